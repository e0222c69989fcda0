package com.example.apps;

import com.example.apps.sub.Indexer;

/** A service with no annotations at all: only method patterns in configuration choose its methods. */
public class SearchService {

    public String query(String q) {
        return "results for " + normalise(q);
    }

    public String suggest(String prefix) {
        return prefix + "...";
    }

    private String normalise(String q) {
        return q.trim().toLowerCase();
    }

    String helper() {
        return "helper";
    }

    public static void main(String[] args) {
        SearchService s = new SearchService();
        Out.result("query", s.query(" Java "));
        Out.result("suggest", s.suggest("ag"));
        Out.result("helper", s.helper());
        Out.result("index", new Indexer().run(3));
        Out.statistics();
    }
}
