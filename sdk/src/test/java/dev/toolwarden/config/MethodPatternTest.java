package dev.toolwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MethodPatternTest {

    @Test
    void exactTypeMatchesOnlyThatType() {
        MethodPattern p = MethodPattern.parse("com.acme.Search#query");
        assertTrue(p.matchesType("com.acme.Search"));
        assertFalse(p.matchesType("com.acme.SearchService"));
        assertFalse(p.matchesType("com.acme.sub.Search"));
        assertFalse(p.matchesType("com.acmeXSearch"));
    }

    @Test
    void singleStarStaysWithinOnePackageSegment() {
        MethodPattern p = MethodPattern.parse("com.acme.tools.*#*");
        assertTrue(p.matchesType("com.acme.tools.Search"));
        assertTrue(p.matchesType("com.acme.tools.Calculator"));
        assertFalse(p.matchesType("com.acme.tools.web.Search"));
        assertFalse(p.matchesType("com.acme.Search"));
    }

    @Test
    void singleStarMatchesPartOfASegment() {
        MethodPattern p = MethodPattern.parse("com.acme.*Tool#run");
        assertTrue(p.matchesType("com.acme.SearchTool"));
        assertFalse(p.matchesType("com.acme.SearchTools"));
        assertFalse(p.matchesType("com.acme.web.SearchTool"));
    }

    @Test
    void doubleStarCrossesPackageSegments() {
        MethodPattern p = MethodPattern.parse("com.acme.**#*");
        assertTrue(p.matchesType("com.acme.Search"));
        assertTrue(p.matchesType("com.acme.tools.web.Search"));
        assertFalse(p.matchesType("org.acme.Search"));
    }

    @Test
    void doubleStarInTheMiddleCrossesSegments() {
        MethodPattern p = MethodPattern.parse("com.**.Search#query");
        assertTrue(p.matchesType("com.acme.Search"));
        assertTrue(p.matchesType("com.acme.tools.web.Search"));
        assertFalse(p.matchesType("com.acme.Searcher"));
    }

    @Test
    void nestedClassesAreNamedWithDollar() {
        MethodPattern p = MethodPattern.parse("com.acme.Outer$Inner#run");
        assertTrue(p.matchesType("com.acme.Outer$Inner"));
        assertFalse(p.matchesType("com.acme.Outer"));
    }

    @Test
    void dotsInTheTypeAreLiteral() {
        MethodPattern p = MethodPattern.parse("com.acme.Search#query");
        assertFalse(p.matchesType("comXacme.Search"));
    }

    @Test
    void mayMatchTypeLooksOnlyAtTheLiteralPrefix() {
        MethodPattern p = MethodPattern.parse("com.acme.tools.*#*");
        assertTrue(p.mayMatchType("com.acme.tools.web.Search"));
        assertFalse(p.mayMatchType("org.acme.tools.Search"));
    }

    @Test
    void methodWildcardMatchesOnlyPublicMethods() {
        MethodPattern p = MethodPattern.parse("com.acme.tools.*#*");
        assertTrue(p.matchesMethod("query", true));
        assertFalse(p.matchesMethod("query", false));
    }

    @Test
    void partialMethodWildcardMatchesOnlyPublicMethodsWithThatShape() {
        MethodPattern p = MethodPattern.parse("com.acme.Search#find*");
        assertTrue(p.matchesMethod("findAll", true));
        assertTrue(p.matchesMethod("find", true));
        assertFalse(p.matchesMethod("findAll", false));
        assertFalse(p.matchesMethod("refind", true));
    }

    @Test
    void exactMethodNameMatchesWhateverItsVisibility() {
        MethodPattern p = MethodPattern.parse("com.acme.Search#query");
        assertTrue(p.matchesMethod("query", true));
        assertTrue(p.matchesMethod("query", false));
        assertFalse(p.matchesMethod("queryAll", true));
        assertFalse(p.matchesMethod("quer", true));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        MethodPattern p = MethodPattern.parse("  com.acme.Search#query ");
        assertTrue(p.matchesType("com.acme.Search"));
        assertEquals("com.acme.Search#query", p.toString());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "com.acme.Search", "#query", "com.acme.Search#", "a.B#c#d"})
    void textWithoutExactlyOneTypeAndMethodIsRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MethodPattern.parse(text));
        assertTrue(e.getMessage().contains(MethodPattern.EXPECTED), e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"com acme.Search#query", "com.acme.Search#qu-ery", "com.acme.Search(int)#query",
            "com.acme.Search#query()", "com/acme/Search#query"})
    void charactersThatAreNotInJavaNamesAreRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MethodPattern.parse(text));
        assertTrue(e.getMessage().contains("not in Java names"), e.getMessage());
        assertTrue(e.getMessage().contains(MethodPattern.EXPECTED), e.getMessage());
    }

    @Test
    void regexCharactersInThePatternAreNotInterpretedAsRegex() {
        assertThrows(IllegalArgumentException.class, () -> MethodPattern.parse("com.acme.[A-Z]+#run"));
    }

    @Test
    void toStringIsThePatternAsWritten() {
        assertEquals("com.acme.tools.*#*", MethodPattern.parse("com.acme.tools.*#*").toString());
    }
}
