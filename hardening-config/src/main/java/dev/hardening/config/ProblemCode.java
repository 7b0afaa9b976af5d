package dev.hardening.config;

/** Stable codes of configuration problems; the code of each line of a {@link ConfigException}. */
public enum ProblemCode {
    /** A required setting has no value in any source. */
    MISSING("HC-E001"),
    /** A value cannot be converted to the declared type. */
    UNPARSABLE("HC-E002"),
    /** A value is of the right type but outside its declared bounds. */
    OUT_OF_RANGE("HC-E003"),
    /** Two sources give the same setting ({@code X} and {@code X_FILE} both set). */
    CONFLICT("HC-E004"),
    /** A variable under the application's prefix (or in the .env file) matches no setting. */
    UNKNOWN("HC-E005"),
    /** A secret file is missing, not a regular file, empty, too large, or not valid text. */
    BAD_FILE("HC-E006"),
    /** The values are individually valid but the settings record rejected them together. */
    INVALID("HC-E007"),
    /** A source itself could not be read (the .env file). */
    BAD_SOURCE("HC-E008"),
    /** A {@code SILENCE_<ID>} variable without a date or without a reason. */
    BAD_SILENCE("HC-E009"),
    /** A new value of a rotating secret fails the secret policy in production, so it was not taken. */
    WEAK_SECRET("HC-E010");

    private final String id;

    ProblemCode(String id) {
        this.id = id;
    }

    /** @return the stable identifier, such as {@code HC-E001} */
    public String id() {
        return id;
    }
}
