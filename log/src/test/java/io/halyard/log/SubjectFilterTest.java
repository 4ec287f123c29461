package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubjectFilterTest {

    @Test
    void shouldMatchOnlyTheSameSubjectWhenLiteral() {
        SubjectFilter filter = SubjectFilter.of("orders.eu.new");

        assertTrue(filter.isLiteral());
        assertFalse(filter.matchesAll());
        assertTrue(filter.matches("orders.eu.new"));
        assertFalse(filter.matches("orders.eu"));
        assertFalse(filter.matches("orders.eu.new.x"));
        assertFalse(filter.matches("orders.eu.newer"));
        assertFalse(filter.matches("Orders.eu.new"));
    }

    @Test
    void shouldMatchExactlyOneTokenWithStar() {
        SubjectFilter filter = SubjectFilter.of("orders.*.new");

        assertFalse(filter.isLiteral());
        assertTrue(filter.matches("orders.eu.new"));
        assertTrue(filter.matches("orders.us.new"));
        assertFalse(filter.matches("orders.new"));
        assertFalse(filter.matches("orders.eu.x.new"));
        assertFalse(filter.matches("orders.eu.paid"));
        assertFalse(filter.matches("orders.eu.new.x"));
    }

    @Test
    void shouldMatchAStarInFirstOrLastPosition() {
        assertTrue(SubjectFilter.of("*.new").matches("orders.new"));
        assertFalse(SubjectFilter.of("*.new").matches("new"));
        assertTrue(SubjectFilter.of("orders.*").matches("orders.eu"));
        assertFalse(SubjectFilter.of("orders.*").matches("orders"));
        assertFalse(SubjectFilter.of("orders.*").matches("orders.eu.new"));
        assertTrue(SubjectFilter.of("*").matches("orders"));
        assertFalse(SubjectFilter.of("*").matches("orders.eu"));
        assertTrue(SubjectFilter.of("*.*").matches("a.b"));
        assertFalse(SubjectFilter.of("*.*").matches("a"));
    }

    @Test
    void shouldMatchOneOrMoreTokensWithATrailingGreaterThan() {
        SubjectFilter filter = SubjectFilter.of("orders.>");

        assertFalse(filter.isLiteral());
        assertFalse(filter.matchesAll());
        assertTrue(filter.matches("orders.eu"));
        assertTrue(filter.matches("orders.eu.new.x"));
        assertFalse(filter.matches("orders"));
        assertFalse(filter.matches("order.eu"));
        assertFalse(filter.matches("ordersx.eu"));
    }

    @Test
    void shouldCombineStarAndGreaterThan() {
        SubjectFilter filter = SubjectFilter.of("*.eu.>");

        assertTrue(filter.matches("orders.eu.new"));
        assertTrue(filter.matches("audit.eu.login.ok"));
        assertFalse(filter.matches("orders.eu"));
        assertFalse(filter.matches("orders.us.new"));
    }

    @Test
    void shouldMatchEverySubjectForNullEmptyAndGreaterThan() {
        assertSame(SubjectFilter.ALL, SubjectFilter.of(null));
        assertSame(SubjectFilter.ALL, SubjectFilter.of(""));
        assertSame(SubjectFilter.ALL, SubjectFilter.of(">"));
        assertTrue(SubjectFilter.ALL.matchesAll());
        assertFalse(SubjectFilter.ALL.isLiteral());
        assertTrue(SubjectFilter.ALL.matches("a"));
        assertTrue(SubjectFilter.ALL.matches("a.b.c"));
    }

    @Test
    void shouldTreatWildcardCharactersInsideATokenAsLiteral() {
        SubjectFilter filter = SubjectFilter.of("ord*.e>");

        assertTrue(filter.isLiteral());
        assertTrue(filter.matches("ord*.e>"));
        assertFalse(filter.matches("orders.e>"));
        assertFalse(filter.matches("ord*.eu"));
    }

    @Test
    void shouldNotMatchASubjectThatIsOnlyAPrefixOrHasAnExtraToken() {
        assertFalse(SubjectFilter.of("a.*").matches("a."));
        assertFalse(SubjectFilter.of("a.b").matches("a.b."));
        assertFalse(SubjectFilter.of("a.*.c").matches("a.b"));
        assertFalse(SubjectFilter.of("a.*").matches(""));
    }

    @Test
    void shouldBeEqualByText() {
        assertEquals(SubjectFilter.of("a.*"), SubjectFilter.of("a.*"));
        assertEquals(SubjectFilter.of("a.*").hashCode(), SubjectFilter.of("a.*").hashCode());
        assertNotEquals(SubjectFilter.of("a.*"), SubjectFilter.of("a.>"));
        assertEquals("a.*", SubjectFilter.of("a.*").text());
        assertEquals("a.*", SubjectFilter.of("a.*").toString());
        assertEquals(">", SubjectFilter.ALL.text());
    }
}
