package dev.fleetplane.pvesim.console;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerialLineTest {

    private static final String BANNER = "\r\n<<< Welcome to NixOS 24.11 (x86_64) - ttyS0 >>>\r\n\r\nweb1 login: ";
    private static final String PROMPT = "[root@web1:~]# ";

    private final SerialLine line = new SerialLine(new SerialLine.Guest() {
        @Override
        public String hostname() {
            return "web1";
        }

        @Override
        public Optional<String> ciuser() {
            return Optional.of("ops");
        }

        @Override
        public List<Map<String, Object>> interfaces() {
            return List.of(
                    Map.of("name", "lo", "hardware-address", "00:00:00:00:00:00", "ip-addresses", List.of(
                            Map.of("ip-address", "127.0.0.1", "ip-address-type", "ipv4", "prefix", 8))),
                    Map.of("name", "ens18", "hardware-address", "bc:24:11:00:00:01", "ip-addresses", List.of(
                            Map.of("ip-address", "192.168.1.50", "ip-address-type", "ipv4", "prefix", 24),
                            Map.of("ip-address", "fe80::be24:11ff:fe00:1", "ip-address-type", "ipv6", "prefix", 64))));
        }
    });

    private String type(String s) {
        return new String(line.type(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private String typeBytes(byte... b) {
        return new String(line.type(b), StandardCharsets.UTF_8);
    }

    private void loginAsRoot() {
        type("root\r");
        assertEquals("\r\n" + PROMPT, type("secret\r"));
    }

    @Test
    void enterAtTheLoginPrompt_printsTheGettyBanner() {
        assertEquals("\r\n" + BANNER, type("\r"));
    }

    @Test
    void login_echoesTheName_notThePassword_thenShowsTheRootPrompt() {
        assertEquals("root\r\nPassword: ", type("root\r"));
        assertEquals("\r\n" + PROMPT, type("any password\r"));
        assertTrue(line.loggedIn());
    }

    @Test
    void ciuser_logsInWithADollarPrompt_andAStrangerIsRefused() {
        type("ops\r");
        assertEquals("\r\n[ops@web1:~]$ ", type("x\r"));
        assertEquals("whoami\r\nops\r\n[ops@web1:~]$ ", type("whoami\r"));
        type("exit\r");
        type("mallory\r");
        assertEquals("\r\nLogin incorrect\r\n\r\nweb1 login: ", type("pw\r"));
        assertFalse(line.loggedIn());
    }

    @Test
    void commands_echoHostnameAndUnknown() {
        loginAsRoot();
        assertEquals("echo hi  there\r\nhi there\r\n" + PROMPT, type("echo hi  there\r"));
        assertEquals("hostname\r\nweb1\r\n" + PROMPT, type("hostname\r"));
        assertEquals("frob -x\r\n-bash: frob: command not found\r\n" + PROMPT, type("frob -x\r"));
        assertEquals("\r\n" + PROMPT, type("\r"));
    }

    @Test
    void ipAddr_listsTheAgentsAddressesAsIproute2Does() {
        loginAsRoot();
        String out = type("ip addr\r");
        assertTrue(out.startsWith("ip addr\r\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"), out);
        assertTrue(out.contains("    inet 127.0.0.1/8 scope host lo\r\n       valid_lft forever preferred_lft forever\r\n"), out);
        assertTrue(out.contains("2: ens18: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500"), out);
        assertTrue(out.contains("    link/ether bc:24:11:00:00:01 brd ff:ff:ff:ff:ff:ff\r\n"), out);
        assertTrue(out.contains("    inet 192.168.1.50/24 brd 192.168.1.255 scope global dynamic ens18\r\n"), out);
        assertTrue(out.contains("    inet6 fe80::be24:11ff:fe00:1/64 scope link \r\n"), out);
        assertTrue(out.endsWith(PROMPT), out);
        assertEquals(out.replace("ip addr\r\n", "ip a\r\n"), type("ip a\r"));
        assertEquals("ip route\r\nObject \"route\" is unknown, try \"ip help\".\r\n" + PROMPT, type("ip route\r"));
    }

    @Test
    void crlf_isOneEnter_andALoneLfIsOneToo() {
        loginAsRoot();
        assertEquals("hostname\r\nweb1\r\n" + PROMPT, type("hostname\r\n"));
        assertEquals("hostname\r\nweb1\r\n" + PROMPT, type("hostname\n"));
    }

    @Test
    void backspace_erasesOneCharacter_evenAMultiByteOne() {
        loginAsRoot();
        assertEquals("echo aé\b \b\b \bb", type("echo aé\u007f\u007fb"));
        assertEquals("\r\nb\r\n" + PROMPT, type("\r"));
        assertEquals("", type("\u007f"), "nothing to erase on an empty line");
    }

    @Test
    void utf8TypedInPieces_isEchoedWhole() {
        loginAsRoot();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertEquals("echo ", type("echo "));
        assertEquals("", typeBytes(euro[0]));
        assertEquals("", typeBytes(euro[1]));
        assertEquals("€", typeBytes(euro[2]));
        assertEquals("\r\n€\r\n" + PROMPT, type("\r"));
    }

    @Test
    void ctrlC_dropsTheLine_andGivesANewPrompt() {
        loginAsRoot();
        assertEquals("echo no^C\r\n" + PROMPT, type("echo no\u0003"));
        assertEquals("\r\n" + PROMPT, type("\r"), "the dropped line is not run");
    }

    @Test
    void ctrlD_onAnEmptyLine_logsOut_andIsIgnoredOtherwise() {
        loginAsRoot();
        assertEquals("x", type("x\u0004"));
        type("\u0003");
        assertEquals("logout\r\n" + BANNER, type("\u0004"));
        assertFalse(line.loggedIn());
    }

    @Test
    void exitAndLogout_goBackToTheLoginPrompt() {
        loginAsRoot();
        assertEquals("exit\r\nlogout\r\n" + BANNER, type("exit\r"));
        loginAsRoot();
        assertEquals("logout\r\nlogout\r\n" + BANNER, type("logout\r"));
    }

    @Test
    void arrowKeys_andOtherControlBytes_areDropped() {
        loginAsRoot();
        assertEquals("ab", type("a\u001b[A\u001bOB\u0001b"));
    }

    @Test
    void broadcast_followsThePrefix() {
        assertEquals("10.1.255.255", IpAddrListing.broadcast("10.1.2.3", 16));
        assertEquals("10.1.2.3", IpAddrListing.broadcast("10.1.2.3", 32));
    }
}
