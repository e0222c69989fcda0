package dev.toolwarden.config;

import java.util.Locale;

/** Parses and formats byte amounts such as {@code 512KB}, {@code 50MB}, {@code 1GB} (units of 1024). */
public final class DataSize {

    static final String EXPECTED = "a size such as 512KB, 50MB or 1GB";

    private DataSize() {
    }

    /**
     * @param text the size
     * @return the size in bytes
     * @throws IllegalArgumentException when the text is not a size
     */
    public static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("is not " + EXPECTED);
        }
        long amount;
        try {
            amount = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is too large: expected " + EXPECTED);
        }
        long unit;
        switch (s.substring(i).trim()) {
            case "":
            case "B":
                unit = 1;
                break;
            case "K":
            case "KB":
                unit = 1L << 10;
                break;
            case "M":
            case "MB":
                unit = 1L << 20;
                break;
            case "G":
            case "GB":
                unit = 1L << 30;
                break;
            default:
                throw new IllegalArgumentException("has an unknown unit: expected " + EXPECTED);
        }
        try {
            return Math.multiplyExact(amount, unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("is too large: expected " + EXPECTED);
        }
    }

    /**
     * @param bytes a byte amount
     * @return the amount in the largest unit that holds it exactly
     */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "GB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "MB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "KB";
        }
        return bytes + "B";
    }
}
