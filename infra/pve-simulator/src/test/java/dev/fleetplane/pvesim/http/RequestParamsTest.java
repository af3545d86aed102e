package dev.fleetplane.pvesim.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestParamsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void formBody_decodesPlusAndPercent_andQueryStringWins() {
        Map<String, String> p = RequestParams.extract("application/x-www-form-urlencoded",
                utf8("name=web+1&cores=2&description=a%0Ab"), "cores=4");
        assertEquals("web 1", p.get("name"));
        assertEquals("4", p.get("cores"));
        assertEquals("a\nb", p.get("description"));
    }

    @Test
    void sshkeys_sentDoubleEncoded_arriveSingleEncoded() {
        Map<String, String> p = RequestParams.parseForm("sshkeys=ssh-ed25519%2520AAAA%2520me%2540host%250A");
        assertEquals("ssh-ed25519%20AAAA%20me%40host%0A", p.get("sshkeys"));
    }

    @Test
    void jsonBody_turnsBooleansIntoZeroOne_andNumbersIntoText() {
        Map<String, String> p = RequestParams.extract("application/json; charset=utf-8",
                utf8("{\"full\":true,\"onboot\":false,\"newid\":120,\"delete\":[\"a\",\"b\"],\"skip\":null}"), null);
        assertEquals("1", p.get("full"));
        assertEquals("0", p.get("onboot"));
        assertEquals("120", p.get("newid"));
        assertEquals("a,b", p.get("delete"));
        assertEquals(4, p.size());
    }

    @Test
    void jsonBody_malformed_isA400() {
        ApiException e = assertThrows(ApiException.class,
                () -> RequestParams.extract("application/json", utf8("{\"newid\":"), null));
        assertEquals(400, e.status());
        ApiException nested = assertThrows(ApiException.class,
                () -> RequestParams.extract("application/json", utf8("{\"net0\":{\"model\":\"virtio\"}}"), null));
        assertEquals("nested objects are not allowed", nested.errors().get("net0"));
    }

    @Test
    void percentDecode_inPaths_keepsPlus_andDecodesEscapedBang() {
        assertEquals("UPID:pve:0:0:0:qmstart:100:root@pam!build:",
                RequestParams.percentDecode("UPID:pve:0:0:0:qmstart:100:root@pam%21build:", false));
        assertEquals("a+b", RequestParams.percentDecode("a+b", false));
        assertEquals("100%", RequestParams.percentDecode("100%", true));
        assertEquals("ü", RequestParams.percentDecode("%C3%BC", true));
    }

    @Test
    void apiCall_collectsEveryParameterError_beforeFailing() {
        ApiCall call = new ApiCall("PUT", "/x", Map.of(), new java.util.LinkedHashMap<>(Map.of("cores", "x", "extra", "1")), "root@pam");
        call.allowOnly("cores", "vmid");
        call.optInt("cores", 1, 4);
        call.requireInt("vmid", 100, 999_999_999);
        ApiException e = assertThrows(ApiException.class, call::check);
        assertEquals(400, e.status());
        assertEquals("Parameter verification failed.", e.getMessage());
        assertEquals("type check ('integer') failed - got 'x'", e.errors().get("cores"));
        assertEquals("property is missing and it is not optional", e.errors().get("vmid"));
        assertEquals("property is not defined in schema and the schema does not allow additional properties",
                e.errors().get("extra"));
    }

    @Test
    void apiCall_integerBounds_useJsonSchemaWording() {
        ApiCall call = new ApiCall("GET", "/x", Map.of(), Map.of(), "root@pam");
        call.integer("vmid", "99", 100, 999_999_999);
        ApiException e = assertThrows(ApiException.class, call::check);
        assertEquals("value must have a minimum value of 100", e.errors().get("vmid"));
    }
}
