package com.example.apps;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/** A class that says so when Java serialization rebuilds it: the shared cache must never do that. */
public class Tripwire implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        System.out.println("TRIPWIRE: a value from Redis was deserialised");
    }
}
