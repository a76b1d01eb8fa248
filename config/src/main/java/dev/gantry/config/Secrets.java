package dev.gantry.config;

import java.util.regex.Pattern;

/** Redaction of secrets before a value is logged or served. */
public final class Secrets {
  private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^:/@]*:)[^@/]*@");

  private Secrets() {}

  /** {@code postgresql://u:secret@h/db} becomes {@code postgresql://u:****@h/db}. */
  public static String redactUrl(String url) {
    return USERINFO_PASSWORD.matcher(url).replaceFirst("$1****@");
  }
}
