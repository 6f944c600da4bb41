// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.UnitTests.TestDoubles;

namespace IdentityServer.Dcr.UnitTests.Jwks;

/// <summary>Defensive parsing of JWKS documents.</summary>
public sealed partial class JwksResolverTests
{
    private async Task<JwksLookupResult> LookUpDocumentAsync(string document, string? kid = "k1", string mediaType = "application/json", string? alg = null)
    {
        _handler.Respond = (_, _) => Task.FromResult(FakeHttpMessageHandler.Json(document, HttpStatusCode.OK, mediaType));
        return await CreateResolver().FindKeyAsync(SoftwareUri, kid, alg, JwksSourceKind.Software, CancellationToken.None);
    }

    [TestCase("not json")]
    [TestCase("{\"keys\":[")]
    [TestCase("{\"keys\":[],\"keys\":[]}")]
    [TestCase("{\"ke\\uD800ys\":[]}", TestName = "FindKeyAsync_LoneSurrogateInName_Invalid")]
    [TestCase("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"\\uDC00\"}]}", TestName = "FindKeyAsync_LoneSurrogateInKid_Invalid")]
    [TestCase("{\"keys\":[],\"\\uD800\":1,\"\\uD800\":2}", TestName = "FindKeyAsync_LoneSurrogateInDuplicateNames_Invalid")]
    public async Task FindKeyAsync_MalformedJson_Invalid(string document)
    {
        // Act
        var result = await LookUpDocumentAsync(document);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Invalid));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.NotJson));
        });
    }

    [TestCase("[]")]
    [TestCase("\"keys\"")]
    [TestCase("{}")]
    [TestCase("{\"keys\":{}}")]
    [TestCase("{\"keys\":\"x\"}")]
    public async Task FindKeyAsync_NotAKeySet_Invalid(string document)
    {
        // Act
        var result = await LookUpDocumentAsync(document);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Invalid));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.NotKeySet));
        });
    }

    [TestCase("text/html")]
    [TestCase("application/octet-stream")]
    public async Task FindKeyAsync_NotJsonMediaType_Invalid(string mediaType)
    {
        // Act
        var result = await LookUpDocumentAsync(_document, mediaType: mediaType);

        // Assert
        Assert.That(result.Reason, Is.EqualTo(JwksReasons.NotJsonContentType));
    }

    [Test]
    public async Task FindKeyAsync_JwkSetMediaType_Found()
    {
        // Act
        var result = await LookUpDocumentAsync(_document, mediaType: "application/jwk-set+json");

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
    }

    [Test]
    public async Task FindKeyAsync_DeclaredLengthAboveMax_InvalidWithoutReadingBody()
    {
        // Arrange
        _options.Jwks.MaxResponseSize = 1024;
        var content = new ThrowingContent(2048);
        _handler.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });

        // Act
        var result = await CreateResolver().FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Invalid));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.TooLarge));
            Assert.That(content.Read, Is.False);
        });
    }

    [Test]
    public async Task FindKeyAsync_UndeclaredLengthAboveMax_Invalid()
    {
        // Arrange
        _options.Jwks.MaxResponseSize = 4096;
        var padded = TestJwks.Set(TestJwks.Rsa(_rsa1, "k1")).Replace("{\"keys\"", "{\"pad\":\"" + new string('a', 5000) + "\",\"keys\"", StringComparison.Ordinal);
        _handler.Respond = (_, _) =>
        {
            var response = FakeHttpMessageHandler.Json(padded);
            response.Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(padded)));
            response.Content.Headers.ContentType = new("application/json");
            response.Content.Headers.ContentLength = null;
            return Task.FromResult(response);
        };

        // Act
        var result = await CreateResolver().FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.That(result.Reason, Is.EqualTo(JwksReasons.TooLarge));
    }

    [Test]
    public async Task FindKeyAsync_DocumentExactlyMaxSize_Found()
    {
        // Arrange
        var bytes = System.Text.Encoding.UTF8.GetByteCount(_document);
        _options.Jwks.MaxResponseSize = bytes;

        // Act
        var result = await LookUpDocumentAsync(_document);

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
    }

    [Test]
    public async Task FindKeyAsync_PrivateRsaKey_SkippedWithWarning()
    {
        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(TestJwks.Rsa(_rsa1, "k1", includePrivate: true)));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
            Assert.That(LoggedEventIds(), Does.Contain(1403));
        });
    }

    [Test]
    public async Task FindKeyAsync_PrivateEcKey_Skipped()
    {
        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(TestJwks.Ec(_ec, "k1", includePrivate: true)));

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
    }

    [Test]
    public async Task FindKeyAsync_SymmetricKey_SkippedOthersKept()
    {
        // Arrange
        var hs = new JsonObject { ["kty"] = "oct", ["kid"] = "k1", ["k"] = TestJwks.B64(RandomNumberGenerator.GetBytes(32)), ["alg"] = "HS256" };

        // Act
        var hsOnly = await LookUpDocumentAsync(TestJwks.Set(hs));
        var mixed = await LookUpDocumentAsync(TestJwks.Set(hs.DeepClone(), TestJwks.Rsa(_rsa2, "k2")), kid: "k2");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(hsOnly.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
            Assert.That(mixed.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(LoggedEventIds(), Does.Contain(1402));
        });
    }

    [Test]
    public async Task FindKeyAsync_ShortRsaKey_Skipped()
    {
        // Arrange
        using var weak = RSA.Create(1024);

        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(TestJwks.Rsa(weak, "k1")));

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
    }

    [TestCase("use", "enc")]
    [TestCase("alg", "RSA-OAEP")]
    [TestCase("alg", "HS256")]
    [TestCase("kid", "42", true)]
    public async Task FindKeyAsync_RsaKeyNotForSignatures_Skipped(string member, string value, bool asNumber = false)
    {
        // Arrange
        var key = TestJwks.Rsa(_rsa1, "k1");
        key[member] = asNumber ? JsonValue.Create(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) : value;

        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(key, "garbage", 17, TestJwks.Rsa(_rsa2, "k2")), kid: "k2");
        var skipped = await LookUpDocumentAsync(TestJwks.Set(key), kid: null);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found), "the bad key does not fail the set");
            Assert.That(skipped.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
        });
    }

    [TestCase(new[] { "encrypt" }, JwksLookupStatus.KeyNotFound)]
    [TestCase(new[] { "sign" }, JwksLookupStatus.KeyNotFound)]
    [TestCase(new[] { "sign", "verify" }, JwksLookupStatus.Found)]
    [TestCase(new[] { "verify" }, JwksLookupStatus.Found)]
    public async Task FindKeyAsync_KeyOps_OnlyVerifyKept(string[] keyOps, JwksLookupStatus expected)
    {
        // Arrange
        var key = TestJwks.Rsa(_rsa1, "k1");
        key["key_ops"] = new JsonArray([.. keyOps.Select(o => (JsonNode)o)]);

        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(key));

        // Assert
        Assert.That(result.Status, Is.EqualTo(expected));
    }

    [TestCase("P-256")]
    [TestCase("P-384")]
    [TestCase("P-521")]
    public async Task FindKeyAsync_EcPublicKey_Found(string crv)
    {
        // Arrange
        using var ec = ECDsa.Create(crv switch
        {
            "P-256" => ECCurve.NamedCurves.nistP256,
            "P-384" => ECCurve.NamedCurves.nistP384,
            _ => ECCurve.NamedCurves.nistP521,
        });
        var key = TestJwks.Ec(ec, "e1");
        key["crv"] = crv;

        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(key), kid: "e1");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(result.Key!.ECDsaKey().ExportParameters(false).Q.X, Is.EqualTo(ec.ExportParameters(false).Q.X));
        });
    }

    [Test]
    public async Task FindKeyAsync_EcPointNotOnCurve_Skipped()
    {
        // Arrange
        var key = TestJwks.Ec(_ec, "e1");
        var y = System.Buffers.Text.Base64Url.DecodeFromChars((string)key["y"]!);
        y[^1] ^= 1;
        key["y"] = TestJwks.B64(y);

        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(key), kid: "e1");

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
    }

    [Test]
    public async Task FindKeyAsync_EcCurveMismatchingAlg_Skipped()
    {
        // Arrange
        var key = TestJwks.Ec(_ec, "e1");
        key["alg"] = "ES384";

        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(key), kid: "e1");

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
    }

    [Test]
    public async Task FindKeyAsync_NullKidAndOneUsableKey_Found()
    {
        // Arrange: the encryption key does not count.
        var enc = TestJwks.Rsa(_rsa2, "enc");
        enc["use"] = "enc";

        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(enc, TestJwks.Rsa(_rsa1, null)), kid: null);

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
    }

    [Test]
    public async Task FindKeyAsync_NullKidAndTwoUsableKeys_KeyNotFound()
    {
        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(TestJwks.Rsa(_rsa1, "k1"), TestJwks.Ec(_ec, "e1")), kid: null);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.NoSingleKey));
        });
    }

    [TestCase("PS256", "RSA")]
    [TestCase("ES256", "EC")]
    public async Task FindKeyAsync_NoKidAndOneKeyFitsTheAlgorithm_FoundAmongOthers(string alg, string kty)
    {
        // Act: an RSA and an EC key; the header's algorithm decides which one is meant.
        var result = await LookUpDocumentAsync(TestJwks.Set(TestJwks.Rsa(_rsa1, "k1"), TestJwks.Ec(_ec, "e1")), kid: null, alg: alg);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
            Assert.That(result.Key!.Kty, Is.EqualTo(kty));
        });
    }

    [Test]
    public async Task FindKeyAsync_EmptyKidIsNoKid_FoundByAlgorithm()
    {
        // Act: "kid": "" names nothing; it is read as no kid, not as a kid nobody has.
        var result = await LookUpDocumentAsync(TestJwks.Set(TestJwks.Rsa(_rsa1, "k1"), TestJwks.Ec(_ec, "e1")), kid: string.Empty, alg: "ES256");

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Found));
    }

    [Test]
    public async Task FindKeyAsync_NoKidAndTwoKeysFitTheAlgorithm_RefusedAsAmbiguous()
    {
        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(TestJwks.Rsa(_rsa1, "k1"), TestJwks.Rsa(_rsa2, "k2")), kid: null, alg: "PS256");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
            Assert.That(result.Reason, Is.EqualTo(JwksReasons.NoSingleKey));
        });
    }

    [Test]
    public async Task FindKeyAsync_KidDiffersInCase_KeyNotFound()
    {
        // Act
        var result = await LookUpDocumentAsync(_document, kid: "K1");

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
    }

    [Test]
    public async Task FindKeyAsync_TwoKeysShareKid_Ambiguous()
    {
        // Act
        var result = await LookUpDocumentAsync(TestJwks.Set(TestJwks.Rsa(_rsa1, "k1"), TestJwks.Rsa(_rsa2, "k1")));

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.KeyNotFound));
    }

    /// <summary>Content that declares a length and fails if read.</summary>
    private sealed class ThrowingContent : HttpContent
    {
        private readonly long _length;

        public ThrowingContent(long length)
        {
            _length = length;
            Headers.ContentType = new("application/json");
        }

        public bool Read { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            Read = true;
            throw new InvalidOperationException("The body must not be read.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
