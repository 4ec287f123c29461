package io.halyard.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void shouldAlignColumnsWithNumbersOnTheRightAndNoTrailingSpaces() {
        StringWriter text = new StringWriter();
        Table.of("Name", "Messages", "Note").alignRight(1)
                .row("ORDERS", "1,024", "")
                .row("µ", 7, null)
                .print(new PrintWriter(text));
        assertEquals("""
                Name    Messages  Note
                ------  --------  ----
                ORDERS     1,024
                µ              7
                """, text.toString());
    }

    @Test
    void shouldAlignTheLabelsOfAllSectionsOfDetails() {
        StringWriter text = new StringWriter();
        new Details().heading("Stream S").section("Configuration").add("Subjects", "a.>").add("Skipped", null)
                .section("State").add("Messages", 3).print(new PrintWriter(text));
        assertEquals("""
                Stream S

                Configuration:

                  Subjects: a.>

                State:

                  Messages: 3
                """, text.toString());
    }
}
