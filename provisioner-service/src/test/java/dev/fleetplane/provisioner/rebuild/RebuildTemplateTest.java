package dev.fleetplane.provisioner.rebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.provisioning.ProvisionHost;
import java.util.List;
import org.junit.jupiter.api.Test;

class RebuildTemplateTest {

    @Test
    void render_fillsEveryPlaceholder() {
        String out = RebuildTemplate.render("nixos-rebuild switch --flake /etc/nixos#{host} && echo {user}@{ip} {host}",
                "web-1.lab", "10.0.0.5", "root");

        assertEquals("nixos-rebuild switch --flake /etc/nixos#web-1.lab && echo root@10.0.0.5 web-1.lab", out);
    }

    @Test
    void render_acceptsIpv6() {
        assertEquals("ping fd00::5", RebuildTemplate.render("ping {ip}", "web1", "fd00::5", "root"));
    }

    @Test
    void render_leavesShellBracesThatAreNoPlaceholdersAlone() {
        assertEquals("echo {a,b} ${HOME} web1", RebuildTemplate.render("echo {a,b} ${HOME} {host}", "web1", "10.0.0.5", "root"));
    }

    @Test
    void render_aValueWithDollarOrBackslash_isNotInterpretedAsAGroupReference() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RebuildTemplate.render("x {host}", "a$1", "10.0.0.5", "root"));
        assertTrue(e.getMessage().contains("host name 'a$1'"), e.getMessage());
    }

    @Test
    void hostWithShellMetacharacters_isRejected() {
        for (String bad : List.of("web1;reboot", "web1 && rm", "$(id)", "`id`", "web1|x", "a>b", "web1\nx", "-rf", "a..b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RebuildTemplate.render("nixos-rebuild --flake .#{host}", bad, "10.0.0.5", "root"), bad);
            assertTrue(e.getMessage().contains("host name"), e.getMessage());
        }
    }

    @Test
    void ipThatIsNoAddress_isRejected() {
        for (String bad : List.of("10.0.0.256", "10.0.0.5; reboot", "example.com", "::g", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RebuildTemplate.render("{ip}", "web1", bad, "root"), bad);
            assertTrue(e.getMessage().contains("is not an IPv4 or IPv6 address"), e.getMessage());
        }
    }

    @Test
    void userThatIsNoLoginName_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RebuildTemplate.render("{user}", "web1", "10.0.0.5", "root;id"));
        assertTrue(e.getMessage().contains("user 'root;id'"), e.getMessage());
    }

    @Test
    void unknownPlaceholder_isRejectedWithItsOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RebuildTemplate.render("nixos-rebuild --flake .#{hostname}", "web1", "10.0.0.5", "root"));
        assertTrue(e.getMessage().contains("unknown placeholder {hostname} at offset 24"), e.getMessage());
    }

    @Test
    void problems_ofAValidCommand_isEmpty() {
        assertEquals(List.of(), RebuildTemplate.problems(new ProvisionHost("web1", "pve1", 111, "root", "nixos-rebuild switch")));
    }

    @Test
    void problems_listsEveryProblemOfACommand() {
        List<String> p = RebuildTemplate.problems(new ProvisionHost("bad host", " ", 7, "Root", " "));

        assertEquals(5, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("host name 'bad host'"));
        assertEquals("node is missing", p.get(1));
        assertTrue(p.get(2).startsWith("vmid 7"));
        assertTrue(p.get(3).startsWith("user 'Root'"));
        assertEquals("rebuild command is missing", p.get(4));
    }
}
