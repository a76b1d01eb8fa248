package dev.gantry.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

/**
 * The JWS examples of RFC 7515 Appendix A (RFC 7518 algorithms HS256, RS256, ES256): each verifies
 * with its key, and fails with a payload changed by one character or with another key type.
 */
class JoseVectorsTest {
  private static final String PAYLOAD =
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
  private static final String TAMPERED =
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODEsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

  private static final String A1_KEY = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T"
      + "-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}]}";
  private static final String A1 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + PAYLOAD
      + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

  private static final String A2_KEY = "{\"keys\":[{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4f"
      + "Akd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2j"
      + "Z47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5"
      + "ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\"}]}";
  private static final String A2 = "eyJhbGciOiJSUzI1NiJ9." + PAYLOAD
      + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr"
      + "7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi1"
      + "2jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlU"
      + "PQGe77Rw";

  private static final String A3_KEY = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
      + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";
  private static final String A3 = "eyJhbGciOiJFUzI1NiJ9." + PAYLOAD
      + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

  private static boolean verifies(String keys, String token) throws Exception {
    return new KeyVerifiers(JWKSet.parse(keys)).verify(SignedJWT.parse(token));
  }

  private static String tampered(String token) {
    return token.replace(PAYLOAD, TAMPERED);
  }

  @Test
  void appendixA1Hs256VerifiesAndFailsWhenTampered() throws Exception {
    assertTrue(verifies(A1_KEY, A1));
    assertFalse(verifies(A1_KEY, tampered(A1)));
  }

  @Test
  void appendixA2Rs256VerifiesAndFailsWhenTampered() throws Exception {
    assertTrue(verifies(A2_KEY, A2));
    assertFalse(verifies(A2_KEY, tampered(A2)));
  }

  @Test
  void appendixA3Es256VerifiesAndFailsWhenTampered() throws Exception {
    assertTrue(verifies(A3_KEY, A3));
    assertFalse(verifies(A3_KEY, tampered(A3)));
  }

  @Test
  void aTokenIsNeverTriedAgainstAKeyOfAnotherType() throws Exception {
    assertFalse(verifies(A2_KEY, A3), "an ES256 token against an RSA key");
    assertFalse(verifies(A3_KEY, A2), "an RS256 token against an EC key");
    assertFalse(verifies(A2_KEY, A1), "an HS256 token against an RSA public key");
  }
}
