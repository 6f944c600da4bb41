// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Keys;
using Jose;

namespace IdentityServer.Dcr.Tpp.Tests.Keys;

[TestFixture]
public sealed class SoftwareKeyTests
{
    /// <summary>RFC 7638 §3.1: the example RSA key and its SHA-256 thumbprint.</summary>
    [Test]
    public void Thumbprint_Rfc7638Example_MatchesPublishedValue()
    {
        // Arrange
        var members = new[]
        {
            ("kty", "RSA"),
            ("n", "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"),
            ("e", "AQAB"),
        };

        // Act
        var thumbprint = SoftwareKey.Thumbprint(members);

        // Assert
        Assert.That(thumbprint, Is.EqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
    }

    [TestCase("PS256", "RSA")]
    [TestCase("ES256", "EC")]
    [TestCase("es256", "EC")]
    public void Create_Algorithm_PublicJwkHasNoPrivateMembersAndKidIsThumbprint(string algorithm, string keyType)
    {
        // Arrange
        using var key = SoftwareKey.Create(algorithm);

        // Act
        var jwk = key.PublicJwk();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(jwk["kty"]!.GetValue<string>(), Is.EqualTo(keyType));
            Assert.That(jwk["alg"]!.GetValue<string>(), Is.EqualTo(algorithm.ToUpperInvariant()));
            Assert.That(jwk["use"]!.GetValue<string>(), Is.EqualTo("sig"));
            Assert.That(jwk["kid"]!.GetValue<string>(), Is.EqualTo(key.KeyId));
            Assert.That(jwk.Select(p => p.Key), Has.None.AnyOf("d", "p", "q", "dp", "dq", "qi"));
            Assert.That(key.KeyId, Has.Length.EqualTo(43), "base64url of a SHA-256 hash");
        });
    }

    [TestCase("PS256")]
    [TestCase("ES256")]
    public void FromPem_ExportedKey_RoundTripsWithSameKid(string algorithm)
    {
        // Arrange
        using var original = SoftwareKey.Create(algorithm);
        var pem = original.ExportPrivateKeyPem();

        // Act
        using var loaded = SoftwareKey.FromPem(pem, null, null);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Algorithm, Is.EqualTo(algorithm));
            Assert.That(loaded.KeyId, Is.EqualTo(original.KeyId));
            Assert.That(pem, Does.StartWith("-----BEGIN PRIVATE KEY-----"));
        });
    }

    [Test]
    public void FromPem_StoredKid_IsKept()
    {
        // Arrange
        using var original = SoftwareKey.Create("PS256", "directory-kid-1");

        // Act
        using var loaded = SoftwareKey.FromPem(original.ExportPrivateKeyPem(), "PS256", "directory-kid-1");

        // Assert
        Assert.That(loaded.KeyId, Is.EqualTo("directory-kid-1"));
    }

    [Test]
    public void FromPem_AlgorithmDoesNotFitKey_ThrowsTppException()
    {
        // Arrange
        using var rsa = SoftwareKey.Create("PS256");

        // Act / Assert
        Assert.That(() => SoftwareKey.FromPem(rsa.ExportPrivateKeyPem(), "ES256", null), Throws.TypeOf<TppException>().With.Message.Contains("PS256"));
    }

    [Test]
    public void FromPem_SmallRsaKey_ThrowsTppException()
    {
        // Arrange
        using var small = RSA.Create(1024);

        // Act / Assert
        Assert.That(() => SoftwareKey.FromPem(small.ExportPkcs8PrivateKeyPem(), null, null), Throws.TypeOf<TppException>().With.Message.Contains("2048"));
    }

    [TestCase("PS256")]
    [TestCase("ES256")]
    public void Sign_Claims_VerifiesWithPublicJwkAndCarriesKidAndTyp(string algorithm)
    {
        // Arrange
        using var key = SoftwareKey.Create(algorithm);
        var publicJwk = Jwk.FromJson(key.PublicJwk().ToJsonString(), JWT.DefaultSettings.JsonMapper);

        // Act
        var token = key.Sign(new JsonObject { ["hello"] = "world" });

        // Assert
        var expected = algorithm == "PS256" ? JwsAlgorithm.PS256 : JwsAlgorithm.ES256;
        var payload = JsonNode.Parse(JWT.Decode(token, publicJwk, expected))!;
        var headers = JWT.Headers(token);
        Assert.Multiple(() =>
        {
            Assert.That(payload["hello"]!.GetValue<string>(), Is.EqualTo("world"));
            Assert.That(headers["kid"], Is.EqualTo(key.KeyId));
            Assert.That(headers["typ"], Is.EqualTo("JWT"));
            Assert.That(headers["alg"], Is.EqualTo(algorithm));
        });
    }
}
