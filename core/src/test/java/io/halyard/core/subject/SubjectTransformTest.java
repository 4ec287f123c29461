package io.halyard.core.subject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubjectTransformTest {

    @ParameterizedTest
    @CsvSource({
            // source, destination, subject, result
            "'>', 'copy.>', orders.eu.new, copy.orders.eu.new",
            "'', 'all.>', a, all.a",
            "orders.>, audit.orders.>, orders.eu.new, audit.orders.eu.new",
            "orders.*.new, fresh.$1, orders.eu.new, fresh.eu",
            "orders.*.*, by-kind.{{wildcard(2)}}.{{wildcard(1)}}, orders.eu.new, by-kind.new.eu",
            "orders.*.*, x.{{Wildcard(2)}}, orders.eu.new, x.new",
            "orders.*.>, region.$1.>, orders.eu.new.today, region.eu.new.today",
            "orders.new, audit.fixed, orders.new, audit.fixed",
            "orders.*, cost.$price.$1, orders.eu, cost.$price.eu",
    })
    void shouldMapMatchingSubjects(String source, String destination, String subject, String expected) {
        assertEquals(expected, SubjectTransform.of(source, destination).apply(subject));
    }

    @Test
    void shouldLeaveOtherSubjectsAlone() {
        SubjectTransform t = SubjectTransform.of("orders.*.new", "fresh.$1");
        assertNull(t.apply("orders.eu.old"));
        assertNull(t.apply("orders.eu"));
        assertNull(t.apply("invoices.eu.new"));
        assertEquals(">", SubjectTransform.of("", "x.>").source());
    }

    @ParameterizedTest
    @CsvSource({
            "orders.>, copy.*",          // no * in the destination
            "orders.>, copy",            // > on one side only
            "orders.*, copy.>",
            "orders.*, copy.$2",         // only one wildcard
            "orders.*, copy.$0",
            "orders.new, copy.$1",       // no wildcard at all
            "orders.*, 'copy.{{wildcard()}}'",
            "orders.*, 'copy.{{wildcard(a)}}'",
            "'orders..x', copy",         // not a subject
            "orders.*, 'copy..x'",
    })
    void shouldRefuseInvalidTransforms(String source, String destination) {
        assertThrows(IllegalArgumentException.class, () -> SubjectTransform.of(source, destination));
    }

    @Test
    void shouldSayWhichMappingFunctionsAreNotSupported() {
        SubjectTransform.Unsupported e = assertThrows(SubjectTransform.Unsupported.class,
                () -> SubjectTransform.of("orders.*", "part.{{partition(3,1)}}"));
        assertTrue(e.getMessage().contains("partition"), e.getMessage());
    }
}
