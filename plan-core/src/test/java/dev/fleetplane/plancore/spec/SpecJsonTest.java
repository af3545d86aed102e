package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpecJsonTest {

    @Test
    void malformedJson_namesLineAndColumn() {
        SpecJson.MalformedJsonException e = assertThrows(SpecJson.MalformedJsonException.class,
                () -> SpecJson.parse("{\n  \"web\": {\n    \"user\": \"root\",\n  }\n}"));
        assertTrue(e.getMessage().startsWith("malformed JSON at line 4, column 3: "), e.getMessage());
    }

    @Test
    void jsonNestedTooDeep_saysSoInWords_withoutJacksonsSettingNames() {
        SpecJson.MalformedJsonException e = assertThrows(SpecJson.MalformedJsonException.class,
                () -> SpecJson.parse("[".repeat(5000) + "]".repeat(5000)));
        assertEquals("malformed JSON: nested deeper than 1000 levels", e.getMessage());
    }

    @Test
    void anUnclosedObject_namesWhere_withoutJacksonsSourceNote() {
        SpecJson.MalformedJsonException e = assertThrows(SpecJson.MalformedJsonException.class,
                () -> SpecJson.parse("{\"laptop\": {\"user\": \"root\""));
        assertTrue(e.getMessage().startsWith("malformed JSON at line 1, column "), e.getMessage());
        assertTrue(e.getMessage().contains("expected close marker for Object"), e.getMessage());
        assertTrue(!e.getMessage().contains("Source") && !e.getMessage().contains("`"), e.getMessage());
    }

    @Test
    void duplicateKeys_andTrailingText_areMalformed() {
        assertThrows(SpecJson.MalformedJsonException.class, () -> SpecJson.parse("{\"a\": 1, \"a\": 2}"));
        assertThrows(SpecJson.MalformedJsonException.class, () -> SpecJson.parse("{} {}"));
        assertThrows(SpecJson.MalformedJsonException.class, () -> SpecJson.parse("  "));
    }

    @Test
    void hash_ignoresKeyOrder_butNotContent() throws Exception {
        String a = SpecJson.hash(SpecJson.parse("{\"a\": 1, \"b\": {\"x\": 1, \"y\": 2}}"));
        String b = SpecJson.hash(SpecJson.parse("{\"b\": {\"y\": 2, \"x\": 1}, \"a\": 1}"));
        String c = SpecJson.hash(SpecJson.parse("{\"b\": {\"y\": 3, \"x\": 1}, \"a\": 1}"));
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(64, a.length());
    }
}
