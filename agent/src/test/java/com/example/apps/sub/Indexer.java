package com.example.apps.sub;

/** A class one package below {@link com.example.apps.SearchService}, for pattern and exclude tests. */
public class Indexer {
    public int run(int documents) {
        return documents * 2;
    }
}
