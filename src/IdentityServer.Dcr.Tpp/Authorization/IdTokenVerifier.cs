// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Keys;
using Base64Url = System.Buffers.Text.Base64Url;

namespace IdentityServer.Dcr.Tpp.Authorization;

/// <summary>
/// Verifies an ID token from the bank, front channel (the detached signature of the hybrid flow) or back channel
/// (the token endpoint): the JWS signature, PS256 or ES256 only (and the registered algorithm when known), with a key
/// of the bank's JWKS; <c>iss</c>, <c>aud</c> (and <c>azp</c>), <c>exp</c>, <c>iat</c>, <c>nonce</c>,
/// <c>c_hash</c>, <c>s_hash</c>, <c>at_hash</c>, <c>sub</c> and <c>openbanking_intent_id</c>. Any failure is a
/// <see cref="TppException"/> that says which check failed.
/// </summary>
internal static class IdTokenVerifier
{
    public static VerifiedIdToken Verify(string idToken, JsonObject jwks, IdTokenExpectations expected, string what = "the ID token")
    {
        ArgumentNullException.ThrowIfNull(idToken);
        ArgumentNullException.ThrowIfNull(jwks);
        ArgumentNullException.ThrowIfNull(expected);
        var parts = idToken.Split('.');
        if (parts.Length != 3)
        {
            throw new TppException($"{what} is not a compact JWS (it has {parts.Length} parts; an encrypted ID token is not supported).");
        }

        var header = DecodeObject(parts[0], what, "header");
        var claims = DecodeObject(parts[1], what, "payload");
        var signature = DecodeBytes(parts[2], what, "signature");

        // The signature first: nothing the token says is worth reading before it is known to come from the bank.
        var algorithm = JsonFields.Text(header, "alg") ?? throw new TppException($"{what} has no alg.");
        if (algorithm is not (SigningAlgorithms.PS256 or SigningAlgorithms.ES256))
        {
            throw new TppException($"{what} is signed with '{algorithm}'; FAPI allows PS256 and ES256 only.");
        }

        if (expected.Algorithm is not null && algorithm != expected.Algorithm)
        {
            throw new TppException($"{what} is signed with {algorithm}, not the registered id_token_signed_response_alg {expected.Algorithm}.");
        }

        if (header["crit"] is not null)
        {
            throw new TppException($"{what} has a 'crit' header, which is not supported.");
        }

        var keyId = JsonFields.Text(header, "kid");
        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var candidates = Candidates(jwks, algorithm, keyId).ToList();
        if (candidates.Count == 0)
        {
            throw new TppException($"no key of the bank's JWKS fits {what} ({algorithm}{(keyId is null ? "" : ", kid " + keyId)}).");
        }

        if (!candidates.Any(jwk => VerifySignature(jwk, algorithm, signingInput, signature)))
        {
            throw new TppException(
                $"the signature of {what} is not valid ({algorithm}{(keyId is null ? "" : ", kid " + keyId)}): it was not signed by the bank's key.");
        }

        CheckClaims(claims, expected, what);
        return new VerifiedIdToken(claims, algorithm, keyId);
    }

    /// <summary>
    /// OIDC Core §3.3.2.11: the base64url of the left half of the hash of the ASCII value, with the hash of the ID
    /// token's algorithm (SHA-256 for PS256 and ES256).
    /// </summary>
    public static string HalfHash(string value, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(value);
        var digest = algorithm switch
        {
            SigningAlgorithms.PS256 or SigningAlgorithms.ES256 => SHA256.HashData(Encoding.ASCII.GetBytes(value)),
            _ => throw new TppException($"no half hash for the algorithm '{algorithm}'."),
        };
        return Base64Url.EncodeToString(digest.AsSpan(0, digest.Length / 2));
    }

    private static void CheckClaims(JsonObject claims, IdTokenExpectations expected, string what)
    {
        var issuer = JsonFields.Text(claims, "iss");
        if (issuer != expected.Issuer)
        {
            throw new TppException($"{what} was issued by '{issuer}', not by the bank's issuer '{expected.Issuer}'.");
        }

        var audiences = claims["aud"] switch
        {
            JsonValue single when single.TryGetValue<string>(out var s) => [s],
            JsonArray many => many.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList(),
            _ => new List<string>(),
        };
        if (!audiences.Contains(expected.ClientId, StringComparer.Ordinal))
        {
            throw new TppException($"{what} is for '{string.Join(' ', audiences)}', not for this client ({expected.ClientId}).");
        }

        if (JsonFields.Text(claims, "azp") is { } azp ? azp != expected.ClientId : audiences.Count > 1)
        {
            throw new TppException($"{what} has several audiences and its azp is not this client ({expected.ClientId}).");
        }

        var now = expected.Now.ToUnixTimeSeconds();
        var skew = (long)expected.ClockSkew.TotalSeconds;
        var exp = JsonFields.Number(claims, "exp") ?? throw new TppException($"{what} has no exp.");
        if (exp + skew <= now)
        {
            throw new TppException($"{what} expired at {DateTimeOffset.FromUnixTimeSeconds(exp):u}.");
        }

        if (JsonFields.Number(claims, "iat") is { } iat && iat - skew > now)
        {
            throw new TppException($"{what} was issued in the future ({DateTimeOffset.FromUnixTimeSeconds(iat):u}).");
        }

        if (JsonFields.Text(claims, "nonce") != expected.Nonce)
        {
            throw new TppException($"the nonce of {what} is not the request's: a replayed or substituted ID token.");
        }

        var subject = JsonFields.Text(claims, "sub") ?? throw new TppException($"{what} has no sub.");
        if (expected.Subject is not null && subject != expected.Subject)
        {
            throw new TppException($"{what} names the customer '{subject}', but the front channel's ID token named '{expected.Subject}'.");
        }

        CheckHash(claims, "c_hash", "code", expected.Code, required: true, what);
        CheckHash(claims, "s_hash", "state", expected.State, required: true, what);
        CheckHash(claims, "at_hash", "access token", expected.AccessToken, required: false, what);

        var intent = JsonFields.Text(claims, "openbanking_intent_id") ?? throw new TppException($"{what} has no openbanking_intent_id.");
        if (intent != expected.ConsentId)
        {
            throw new TppException($"{what} is for the consent '{intent}', not '{expected.ConsentId}' that was asked for.");
        }
    }

    private static void CheckHash(JsonObject claims, string claim, string name, string? value, bool required, string what)
    {
        if (value is null)
        {
            return;
        }

        var hash = JsonFields.Text(claims, claim);
        if (hash is null)
        {
            if (required)
            {
                throw new TppException($"{what} has no {claim}: it does not vouch for the {name} it came with.");
            }

            return;
        }

        // The header's alg was checked to be PS256 or ES256: both hash with SHA-256.
        if (hash != HalfHash(value, SigningAlgorithms.PS256))
        {
            throw new TppException($"the {claim} of {what} does not match the {name}: the {name} was substituted.");
        }
    }

    private static IEnumerable<JsonObject> Candidates(JsonObject jwks, string algorithm, string? keyId)
    {
        var keyType = algorithm == SigningAlgorithms.ES256 ? "EC" : "RSA";
        foreach (var jwk in (jwks["keys"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (JsonFields.Text(jwk, "kty") != keyType
                || (keyId is not null && JsonFields.Text(jwk, "kid") != keyId)
                || (JsonFields.Text(jwk, "use") is { } use && use != "sig")
                || (JsonFields.Text(jwk, "alg") is { } alg && alg != algorithm))
            {
                continue;
            }

            yield return jwk;
        }
    }

    private static bool VerifySignature(JsonObject jwk, string algorithm, byte[] signingInput, byte[] signature)
    {
        try
        {
            if (algorithm == SigningAlgorithms.ES256)
            {
                if (JsonFields.Text(jwk, "crv") != "P-256" || signature.Length != 64)
                {
                    return false;
                }

                using var ec = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = KeyBytes(jwk, "x"), Y = KeyBytes(jwk, "y") },
                });
                return ec.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }

            using var rsa = RSA.Create(new RSAParameters { Modulus = KeyBytes(jwk, "n"), Exponent = KeyBytes(jwk, "e") });
            return rsa.KeySize >= 2048 && rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            // A key of the JWKS that cannot be read verifies nothing.
            return false;
        }
    }

    private static byte[] KeyBytes(JsonObject jwk, string member)
        => Base64Url.DecodeFromChars(JsonFields.Text(jwk, member) ?? throw new FormatException($"the JWK has no '{member}'."));

    private static byte[] DecodeBytes(string part, string what, string name)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException ex)
        {
            throw new TppException($"the {name} of {what} is not base64url.", ex);
        }
    }

    private static JsonObject DecodeObject(string part, string what, string name)
    {
        try
        {
            return JsonNode.Parse(DecodeBytes(part, what, name)) as JsonObject
                ?? throw new TppException($"the {name} of {what} is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new TppException($"the {name} of {what} is not JSON.", ex);
        }
    }
}
