// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.UnitTests.Registration;

/// <summary>The fuzzer's dictionaries. Values are raw JSON text unless said otherwise.</summary>
internal sealed partial class RegistrationFuzzer
{
    private const string AttackerJwk = "(attacker jwk)";

    private static readonly string[] Scalars = ["null", "true", "false", "0", "\"\"", "[]", "{}"];

    // NOW is replaced by the fixture clock's Unix time.
    private static readonly string[] Numbers =
    [
        "0", "-1", "0.5", "-0", "1e308", "-1e308", "1E400", "1e-400", "123456789012345678901234567890123456789",
        "9007199254740993", "2147483648", "-9223372036854775809", "18446744073709551616", "1.0000000000000002",
        "253402300799", "253402300799.999", "253402300800", "4102444800", "-62135596800", "NOW", "NOW.999", "NOW0",
        "-NOW", "1NOW",
    ];

    private static readonly string[] OddStrings =
    [
        "\"\"", "\" \"", "\"\\ud800\"", "\"x\\udfff\"", "\"\\udbff\\udfff\"", "\"\\udc00\\ud800\"", "\"\\u0000\"",
        "\"\\u202eevil\"", "\"\\ufeff\"", "\"\\ufffe\\uffff\"", "\"\\ufb01\"", "\"e\\u0301\"", "\"\\ud83d\\ude00\"",
        "\"\\u0130\"", "\"a\\r\\nERROR forged log line\"", "\"\\u001b[31mred\"", "\"none\"", "\"PS256\"", "\"null\"",
        "\"\\\"\"", "\"\\\\\"", "\"' OR 1=1--\"", "\"${jndi:ldap://x/a}\"", "\"%00\"", "\"<script>alert(1)</script>\"",
        "\"https://tpp.example.com/callback\"", "\"https://keystore.example.com/tpp.jwks\"", "\"Active\"",
    ];

    private static readonly string[] OddCharacters =
    [
        ".", "=", "+", "/", " ", "\n", "\t", "\0", "é", "\u00ad", "\u200b", "\ufeff", "\ud800", "\\", "\"", "A", "-", "_", "~",
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xC0, 0xAF], [0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFE, 0xFE], [0x00],
    ];

    private static readonly string[] WholeDocuments =
    [
        "[]", "\"string\"", "null", "1", "{}", "{} {}", "{\"a\":1,}", "/*c*/{}", "{\"a\":NaN}", "{'a':1}", "\ufeff{}", "{\"a\":\"\\x\"}",
        "{\"a\":\"unterminated}", "{\"alg\":\"PS256\",\"alg\":\"none\"}", "{\"a\":\"\\ud800\"}", "{\"\\ud800\":1}", "",
    ];

    private static readonly string?[] ContentTypes =
    [
        "application/jwt", "application/json", "APPLICATION/JOSE; charset=utf-16", "text/plain", "", null, "application/jose;",
        ";", "application/json; charset=\"utf-8\"", "application/jose, application/json", "application/jwt\0", "multipart/form-data; boundary=x",
    ];

    private static readonly string[] RedirectUriArrays =
    [
        "[]", "[\"\"]", "[1]", "[null]", "[\"https://tpp.example.com/callback\",\"https://tpp.example.com/callback\"]",
        "[\"http://tpp.example.com/callback\"]", "[\"https://tpp.example.com/callback#frag\"]", "[\"https://localhost/cb\"]",
        "[\"https://127.0.0.1/cb\"]", "[\"https://[::1]/cb\"]", "[\"https://[::ffff:127.0.0.1]/cb\"]", "[\"https://0x7f.1/cb\"]",
        "[\"https://0.0.0.0/cb\"]", "[\"https://xn--/cb\"]", "[\"https://xn--zz-zzz.example/cb\"]", "[\"https://\\u00df.example/cb\"]",
        "[\"https://a\\u200db.example/cb\"]", "[\"https://\\ufb01.example/cb\"]", "[\"https://\\u0130.example/cb\"]",
        "[\"https://%00.example/cb\"]", "[\"https://tpp.example.com:99999/cb\"]", "[\"https://user:pw@tpp.example.com/cb\"]",
        "[\"javascript:alert(1)\"]", "[\"file:///etc/passwd\"]", "[\"https:\\/\\/tpp.example.com\\/callback\"]",
        "[\"HTTPS://TPP.EXAMPLE.COM/callback\"]", "[\"https://tpp.example.com/callback\\ud800\"]", "[\"https://\\ud800.example/\"]",
        "[\"https://tpp.example.com./callback\"]", "[\"https://[fe80::1%25eth0]/cb\"]", "[\"https://1.2.3.4.5/cb\"]",
    ];

    private static readonly string[] DistinguishedNames =
    [
        "CN=a,O=b", "CN=#0C03414243", "CN=#1C0400000041", "CN=#1C03000000", "CN=#1E03004100", "CN=#1E0400D80041",
        "CN=#1F", "CN=#30800000", "CN=#2C0400000041", "CN=#1480", "CN=#0C8103414243", "CN=#0C0441", "CN=#",
        "CN=\\", "CN=a\\", "CN=\\zz", "CN=\\C3\\28", "CN=\\ED\\A0\\80", "CN=a+", "CN=a,", ",CN=a", "CN=a;;O=b",
        "/C=GB/O=x/CN=y", "/", "OID.2.5.4.97=PSDGB-OB-Unknown1", "2.5.4.3=a", "1.2.840.113549.1.9.1=a@b",
        "OID.=a", "99999999999999999999.1=a", "CN=\"unterminated", "CN=\"a\"\"b\"", "CN=\"a\" trailing",
        "CN=\ufb01", "CN=\ud800", "CN=\uffff\ufffe", "CN=a\u0000b", "UNKNOWNATTR=a", "cn = a , o = b", "CN",
        "CN=" + new string('a', 300), string.Concat(Enumerable.Repeat("CN=a+", 200)) + "CN=a",
    ];

    private static readonly (string Name, string[] Values)[] HeaderValues =
    [
        ("alg", ["\"none\"", "\"None\"", "\"NONE\"", "\"HS256\"", "\"RS256\"", "\"PS256 \"", "\"ps256\"", "\"\"", "5", "null", "\"ES256\"",
            "\"PS384\"", "\"EdDSA\"", "[\"PS256\"]", "{\"a\":1}", "\"PS256\\u0000\"", "\"\\ud800\"", "true", "\"dir\"", "\"RSA-OAEP\""]),
        ("alg", []),
        ("kid", ["5", "null", "true", "[]", "{}", "\"\"", "\"../../etc/passwd\"", "\"attacker\"", "\"\\ud800\"",
            "\"" + new string('k', 10_000) + "\"", "\"a\\r\\nERROR forged\"", "[\"kid\"]"]),
        ("kid", []),
        ("typ", ["\"jwt\"", "\"JWS\"", "\"at+jwt\"", "1", "null", "\"\"", "\"JOSE\"", "\"JWT \"", "\"\\ud800\""]),
        ("typ", []),
        ("crit", ["[\"exp\"]", "[]", "\"b64\"", "[\"b64\"]", "null"]),
        ("b64", ["false", "true"]),
        ("jku", ["\"https://attacker.example/jwks\"", "\"https://keystore.example.com/tpp.jwks\"", "5"]),
        ("x5u", ["\"https://attacker.example/cert.pem\""]),
        ("jwk", [AttackerJwk, "{}", "\"x\""]),
        ("x5c", ["[\"MIIBkTCB+wIJAKHHIr7ONnJcMA0GCSqGSIb3DQEBBQUAMA0xCzAJBgNVBAYTAkdCMB4XDTI0\"]", "[]"]),
        ("enc", ["\"A128GCM\""]),
        ("zip", ["\"DEF\""]),
        ("cty", ["\"JWT\"", "5"]),
        ("x-unknown", ["1e400", "123456789012345678901234567890", "\"\\ud800\"", "[[[[[[[[[[]]]]]]]]]]", "{\"a\":{\"b\":null}}"]),
    ];

    private static readonly Dictionary<string, string[]> RequestClaimValues = new(StringComparer.Ordinal)
    {
        ["redirect_uris"] = RedirectUriArrays,
        ["grant_types"] = ["[\"authorization_code\"]", "[\"client_credentials\"]", "[\"urn:openid:params:grant-type:ciba\"]", "[\"implicit\"]",
            "[]", "[\"authorization_code\",\"authorization_code\"]", "[\"refresh_token\"]", "[\"AUTHORIZATION_CODE\"]", "\"authorization_code\""],
        ["response_types"] = ["[\"code\"]", "[\"code id_token\"]", "[\"id_token code\"]", "[\"token\"]", "[\"\"]", "[\" \"]", "[\"code  id_token\"]", "[]"],
        ["token_endpoint_auth_method"] = ["\"tls_client_auth\"", "\"client_secret_basic\"", "\"none\"", "\"client_secret_jwt\"", "\"\"", "\"PRIVATE_KEY_JWT\""],
        ["token_endpoint_auth_signing_alg"] = ["\"none\"", "\"HS256\"", "\"ES256\"", "\"\"", "\"PS256 \""],
        ["scope"] = ["\"openid accounts\"", "\"\"", "\" \"", "\"openid openid\"", "\"fundsconfirmations\"", "\"openid\\taccounts\"",
            "\"" + string.Join(' ', Enumerable.Repeat("accounts", 300)) + "\""],
        ["tls_client_auth_subject_dn"] = [.. DistinguishedNames.Select(FuzzJsonDraft.Quote)],
        ["aud"] = ["[\"0015800001ZEZ3HAA3\"]", "[]", "[1]", "\"x\"", "[\"0015800001ZEZ3HAA3\",5]", "[\"0015800001zez3haa3\"]", "\"0015800001ZEZ3HAA3 \""],
        ["iss"] = ["\"\"", "\"0015800001Attacker\"", "\"attacker\"", "[\"x\"]"],
        ["jti"] = ["\"\"", "\"" + new string('j', 200) + "\"", "\"00000000-0000-4000-8000-000000000000\"", "\"\\ud800\"", "\" \""],
        ["iat"] = Numbers,
        ["exp"] = Numbers,
        ["nbf"] = Numbers,
        ["software_id"] = ["\"\"", "\"other-software\"", "5"],
        ["application_type"] = ["\"native\"", "\"mobile\"", "\"web\"", "\"\"", "\"WEB\""],
        ["id_token_signed_response_alg"] = ["\"none\"", "\"HS256\"", "\"PS256\"", "\"RS256\""],
        ["request_object_signing_alg"] = ["\"none\"", "\"HS256\"", "\"PS256\""],
        ["backchannel_token_delivery_mode"] = ["\"poll\"", "\"ping\"", "\"push\""],
        ["backchannel_client_notification_endpoint"] = ["\"https://tpp.example.com/notify\"", "\"http://x\"", "\"\""],
        ["backchannel_user_code_parameter_supported"] = ["true", "false", "\"false\""],
        ["software_statement"] = ["\"\"", "\"a.b.c\"", "\"a.b.c.d.e\"", "\"eyJhbGciOiJub25lIn0.e30.\"", "5", "[\"a.b.c\"]"],
    };

    private static readonly Dictionary<string, string[]> SsaClaimValues = new(StringComparer.Ordinal)
    {
        ["software_jwks_endpoint"] = ["\"http://keystore.example.com/tpp.jwks\"", "\"https://user:pw@keystore.example.com/tpp.jwks\"",
            "\"https://127.0.0.1/tpp.jwks\"", "\"ftp://keystore.example.com/tpp.jwks\"", "\"\"", "\"https://" + new string('a', 3000) + ".example/\"",
            "\"https://keystore.example.com/tpp.jwks#x\"", "\"https://KEYSTORE.example.com/tpp.jwks\"", "\"https://keystore.example.com:443/tpp.jwks\"",
            "\"/tpp.jwks\"", "\"https://\\ud800.example/\"", "\"https://xn--/\""],
        ["software_roles"] = ["[]", "[\"AISP\"]", "[\"CBPII\"]", "[1]", "\"AISP\"", "[\"aisp\"]"],
        ["org_status"] = ["\"Active\"", "\"Revoked\"", "\"active\"", "\"\"", "5"],
        ["software_redirect_uris"] = RedirectUriArrays,
        ["organisation_competent_authority_claims"] = ["{}", "{\"registration_id\":5}", "\"x\"", "[]", "{\"registration_id\":\"\\ud800\"}"],
        ["software_id"] = ["\"" + new string('s', 65) + "\"", "\"\"", "\"other-software\"", "\" \""],
        ["org_id"] = ["\"" + new string('o', 65) + "\"", "\"\"", "\"0015800001Attacker\""],
        ["software_mode"] = ["\"Live\"", "\"live\"", "\"\"", "\"Test\""],
        ["software_environment"] = ["\"production\"", "\"\"", "\"sandbox\""],
        ["iat"] = Numbers,
        ["exp"] = Numbers,
        ["nbf"] = Numbers,
        ["iss"] = ["\"\"", "\"OpenBanking Ltd \"", "\"openbanking ltd\"", "5", "[\"OpenBanking Ltd\"]"],
    };
}
