package dev.gantry.gateway.security;

import io.netty.util.NetUtil;

/**
 * An IPv4 or IPv6 address block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address).
 * Addresses are parsed as literals only: nothing here ever resolves a name.
 */
public record Cidr(byte[] network, int prefix, String text) {
  /** Parses {@code text}; null when it is not an address or block. */
  public static Cidr parse(String text) {
    String value = text.trim();
    int slash = value.indexOf('/');
    byte[] address = bytes(slash < 0 ? value : value.substring(0, slash));
    if (address == null) {
      return null;
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(value.substring(slash + 1));
      } catch (NumberFormatException e) {
        return null;
      }
      if (prefix < 0 || prefix > bits) {
        return null;
      }
    }
    return new Cidr(address, prefix, value);
  }

  /** The bytes of an IP literal (IPv4-mapped IPv6 addresses become IPv4), or null. */
  public static byte[] bytes(String literal) {
    if (literal == null || literal.isEmpty()) {
      return null;
    }
    String bare = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
    byte[] address = NetUtil.createByteArrayFromIpAddressString(bare);
    if (address != null && address.length == 16 && isV4Mapped(address)) {
      return new byte[] {address[12], address[13], address[14], address[15]};
    }
    return address;
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
  }

  public boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xFF << (8 - rest) & 0xFF;
    return (address[full] & mask) == (network[full] & mask);
  }

  static boolean any(java.util.List<Cidr> blocks, byte[] address) {
    for (Cidr block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cidr c && c.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
