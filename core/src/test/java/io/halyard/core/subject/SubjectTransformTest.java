package io.halyard.core.subject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubjectTransformTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // source | destination | subject | result
            "'>' | 'copy.>' | orders.eu.new | copy.orders.eu.new",
            "'' | 'all.>' | a | all.a",
            "orders.> | audit.orders.> | orders.eu.new | audit.orders.eu.new",
            "orders.*.new | fresh.$1 | orders.eu.new | fresh.eu",
            "orders.*.* | by-kind.{{wildcard(2)}}.{{wildcard(1)}} | orders.eu.new | by-kind.new.eu",
            "orders.*.* | x.{{Wildcard(2)}} | orders.eu.new | x.new",
            "orders.*.> | region.$1.> | orders.eu.new.today | region.eu.new.today",
            "orders.new | audit.fixed | orders.new | audit.fixed",
            "orders.* | cost.$price.$1 | orders.eu | cost.$price.eu",
            "orders.* | first.$0 | orders.eu | first.orders",
            "a.*.b.*.c | req.$2.$1 | a.X.b.Y.c | req.Y.X",
            "'*' | '{{ wildcard( 1 ) }}.x' | id | id.x",
            // cutting one token
            "'*' | {{splitFromLeft(1,3)}} | 12345 | 123.45",
            "'*' | {{SplitFromRight(1,3)}} | 12345 | 12.345",
            "'*' | {{splitfromleft(1,9)}} | 12345 | 12345",
            "'*' | {{SliceFromLeft(1,3)}} | 1234567890 | 123.456.789.0",
            "'*' | {{SliceFromRight(1,3)}} | 1234567890 | 1.234.567.890",
            "'*' | {{sliceFromRight(1,2)}} | 123456 | 12.34.56",
            "'*' | {{sliceFromLeft(1,7)}} | 123456 | 123456",
            "'*' | '{{split(1,-)}}' | -abc-def--ghi- | abc.def.ghi",
            "'*' | '{{split(1, -)}}' | abc-def--ghi | abc.def.ghi",
            "'*.*' | '{{split(2,-)}}.{{splitfromleft(1,2)}}' | foo.-ab-cd- | ab.cd.fo.o",
            "'*' | '{{split(1,ab)}}' | xabyab | x.y",
            "'*' | {{left(1,3)}} | 1234 | 123",
            "'*' | {{left(1,6)}} | 1234 | 1234",
            "'*' | {{right(1,1)}} | 1234 | 4",
            "'*' | {{Right(1,6)}} | 1234 | 1234",
            // partitions: FNV-1a (32 bits) of the named tokens joined without a separator, or of the subject
            "'*' | bar.{{partition(10)}} | foo | bar.3",
            "'*' | bar.{{partition(10)}} | baz | bar.0",
            "'*' | bar.{{partition(10)}} | qux | bar.9",
            "'*' | 'bar.{{partition(10, 0)}}' | foo | bar.3",
            "'*' | bar.{{partition(0)}} | baz | bar.0",
            "'*.*' | bar.{{partition(10)}} | foo.bar | bar.6",
            "foo.bar | baz.{{partition(10)}} | foo.bar | baz.6",
            "foo.baz | qux.{{partition(10)}} | foo.baz | qux.4",
            "test.subject | result.{{partition(5)}} | test.subject | result.0",
            "'*.*' | 'p.{{ Partition (10,1,2) }}' | fo.obar | p.0", // the key is foobar: no separator
            "'*' | bar.{{random(0)}} | qux | bar.0",
    })
    void shouldMapMatchingSubjects(String source, String destination, String subject, String expected) {
        assertEquals(expected, SubjectTransform.of(source, destination).apply(subject));
    }

    @Test
    void shouldPickRandomBucketsWithinRange() {
        SubjectTransform t = SubjectTransform.of("*", "bar.{{random(6)}}");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            seen.add(t.apply("qux"));
        }
        assertEquals(Set.of("bar.0", "bar.1", "bar.2", "bar.3", "bar.4", "bar.5"), seen);
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
    @CsvSource(delimiter = '|', value = {
            "orders.> | copy.* | invalid subject",
            "orders.> | copy | invalid subject",
            "orders.* | copy.> | invalid subject",
            "'orders..x' | copy | invalid subject",
            "orders.* | 'copy..x' | invalid subject",
            "orders.* | copy.$2 | wildcard index out of range in $2",
            "orders.new | copy.$1 | wildcard index out of range in $1",
            "foo | bla.{{wildcard(1)}} | wildcard index out of range in {{wildcard(1)}}",
            "foo | bla.{{left(1,2)}} | wildcard index out of range in {{left(1,2)}}",
            "foo.* | foo.{{wildcard(2)}} | wildcard index out of range in {{wildcard(2)}}",
            "foo.* | 'foo.{{partition(3,1,2)}}' | wildcard index out of range in {{partition(3,1,2)}}",
            "foo.* | foo.{{unimplemented(1)}} | unknown function in {{unimplemented(1)}}",
            "foo.* | 'foo.{{ wildcard5) }}' | unknown function in {{ wildcard5) }}",
            "foo.* | 'foo.{{splitLeft(2,2}}' | unknown function in {{splitLeft(2,2}}",
            "foo.* | foo.{{partition()}} | function argument is invalid or of the wrong type in {{partition()}}",
            "foo.* | foo.{{partition(2147483648)}} | function argument is invalid or of the wrong type",
            "foo.* | foo.{{random()}} | function argument is invalid or of the wrong type in {{random()}}",
            "foo.* | 'foo.{{random(1,2)}}' | not enough arguments passed to the function",
            "foo.* | foo.{{wildcard(foo)}} | function argument is invalid or of the wrong type in {{wildcard(foo)}}",
            "foo.* | foo.{{wildcard()}} | not enough arguments passed to the function in {{wildcard()}}",
            "foo.* | 'foo.{{wildcard(1,2)}}' | too many arguments passed to the function",
            "foo.* | foo.{{left(1)}} | not enough arguments passed to the function",
            "foo.* | 'foo.{{right(1,2,3)}}' | too many arguments passed to the function",
            "foo.* | 'foo.{{split(1,a b)}}' | function argument is invalid or of the wrong type",
    })
    void shouldRefuseInvalidTransformsSayingWhy(String source, String destination, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SubjectTransform.of(source, destination));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void shouldHashLikeFnv1a() {
        assertEquals(0x811c9dc5, SubjectTransform.fnv1a(""));
        assertEquals(0xe40c292c, SubjectTransform.fnv1a("a"));
    }
}
