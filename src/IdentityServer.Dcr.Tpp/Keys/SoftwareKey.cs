// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Base64Url = System.Buffers.Text.Base64Url;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Jose;

namespace IdentityServer.Dcr.Tpp.Keys;

/// <summary>
/// The TPP's software signing key (PS256 with RSA, or ES256 with P-256): it signs registration requests and client
/// assertions, and its public half is published as a JWK at the SSA's <c>software_jwks_endpoint</c>.
/// </summary>
internal sealed class SoftwareKey : IDisposable
{
    private SoftwareKey(string algorithm, AsymmetricAlgorithm key, string? keyId)
    {
        Algorithm = algorithm;
        Key = key;
        KeyId = keyId ?? Thumbprint(PublicJwkMembers());
    }

    /// <summary><c>PS256</c> or <c>ES256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The <c>kid</c>: by default the RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.</summary>
    public string KeyId { get; }

    public AsymmetricAlgorithm Key { get; }

    public static SoftwareKey Create(string algorithm, string? keyId = null) => NormaliseAlgorithm(algorithm) switch
    {
        SigningAlgorithms.PS256 => new SoftwareKey(SigningAlgorithms.PS256, RSA.Create(2048), keyId),
        _ => new SoftwareKey(SigningAlgorithms.ES256, ECDsa.Create(ECCurve.NamedCurves.nistP256), keyId),
    };

    /// <summary>Reads a PEM private key (PKCS#8, PKCS#1 or SEC1). The algorithm follows from the key type unless given.</summary>
    public static SoftwareKey FromPem(string pem, string? algorithm, string? keyId)
    {
        var isEc = pem.Contains("EC PRIVATE KEY", StringComparison.Ordinal);
        if (!isEc && !pem.Contains("RSA PRIVATE KEY", StringComparison.Ordinal))
        {
            // PKCS#8 does not say the key type in its label: try RSA, then EC.
            using var probe = RSA.Create();
            try
            {
                probe.ImportFromPem(pem);
            }
            catch (CryptographicException)
            {
                isEc = true;
            }
            catch (ArgumentException)
            {
                isEc = true;
            }
        }

        try
        {
            if (isEc)
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                if (ec.KeySize != 256)
                {
                    ec.Dispose();
                    throw new TppException("the EC key is not on P-256, the only curve ES256 allows.");
                }

                return new SoftwareKey(CheckAlgorithm(algorithm, SigningAlgorithms.ES256), ec, keyId);
            }

            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            if (rsa.KeySize < 2048)
            {
                rsa.Dispose();
                throw new TppException($"the RSA key has {rsa.KeySize} bits; OBIE (FAPI) requires at least 2048.");
            }

            return new SoftwareKey(CheckAlgorithm(algorithm, SigningAlgorithms.PS256), rsa, keyId);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new TppException("the signing key is not a PEM RSA or EC private key: " + ex.Message, ex);
        }
    }

    public static string NormaliseAlgorithm(string algorithm) => algorithm.ToUpperInvariant() switch
    {
        SigningAlgorithms.PS256 => SigningAlgorithms.PS256,
        SigningAlgorithms.ES256 => SigningAlgorithms.ES256,
        _ => throw new TppException($"unsupported algorithm '{algorithm}': use PS256 or ES256."),
    };

    /// <summary>The private key as PKCS#8 PEM (the file is written with mode 0600).</summary>
    public string ExportPrivateKeyPem() => Key switch
    {
        RSA rsa => rsa.ExportPkcs8PrivateKeyPem(),
        ECDsa ec => ec.ExportPkcs8PrivateKeyPem(),
        _ => throw new InvalidOperationException("Unexpected key type."),
    };

    /// <summary>The public JWK with <c>kid</c>, <c>use</c> and <c>alg</c>.</summary>
    public JsonObject PublicJwk()
    {
        var jwk = new JsonObject();
        foreach (var (name, value) in PublicJwkMembers())
        {
            jwk[name] = value;
        }

        jwk["kid"] = KeyId;
        jwk["use"] = "sig";
        jwk["alg"] = Algorithm;
        return jwk;
    }

    /// <summary>A JWKS holding <see cref="PublicJwk"/> only.</summary>
    public JsonObject PublicJwks() => new() { ["keys"] = new JsonArray(PublicJwk()) };

    /// <summary>Signs <paramref name="claims"/> as a compact JWS with header <c>{alg, kid, typ: JWT}</c>.</summary>
    public string Sign(JsonObject claims)
    {
        var headers = new Dictionary<string, object> { ["kid"] = KeyId, ["typ"] = "JWT" };
        var algorithm = Algorithm == SigningAlgorithms.PS256 ? JwsAlgorithm.PS256 : JwsAlgorithm.ES256;
        return JWT.Encode(claims.ToJsonString(), Key, algorithm, headers);
    }

    public void Dispose() => Key.Dispose();

    /// <summary>The RFC 7638 thumbprint of the required members, which must be given in lexicographic order.</summary>
    internal static string Thumbprint(IEnumerable<(string Name, string Value)> requiredMembers)
    {
        var canonical = new JsonObject();
        foreach (var (name, value) in requiredMembers.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            canonical[name] = value;
        }

        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToJsonString())));
    }

    private List<(string Name, string Value)> PublicJwkMembers()
    {
        switch (Key)
        {
            case RSA rsa:
                var rsaParameters = rsa.ExportParameters(includePrivateParameters: false);
                return [
                    ("e", Base64Url.EncodeToString(rsaParameters.Exponent)),
                    ("kty", "RSA"),
                    ("n", Base64Url.EncodeToString(rsaParameters.Modulus))];
            case ECDsa ec:
                var ecParameters = ec.ExportParameters(includePrivateParameters: false);
                return [
                    ("crv", "P-256"),
                    ("kty", "EC"),
                    ("x", Base64Url.EncodeToString(ecParameters.Q.X)),
                    ("y", Base64Url.EncodeToString(ecParameters.Q.Y))];
            default:
                throw new InvalidOperationException("Unexpected key type.");
        }
    }

    private static string CheckAlgorithm(string? requested, string fromKey)
    {
        if (requested is not null && NormaliseAlgorithm(requested) != fromKey)
        {
            throw new TppException($"the key fits {fromKey}, not {requested}.");
        }

        return fromKey;
    }
}
