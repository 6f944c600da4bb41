// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.UnitTests.Registration;

/// <summary>
/// Regressions found by <see cref="RegistrationServiceFuzzTests"/>: each request used to make the engine throw (a
/// 500) or answer with an unbounded or multi-line description.
/// </summary>
public sealed partial class RegistrationServiceTests
{
    private const string LastNumericDate = "253402300799";

    // The parse rule a payload that is not a JSON object breaks (CompactJws).
    private const string PayloadNotJson = "has a payload that is not a base64url-encoded JSON object";

    [Test]
    public async Task RegisterAsync_LoneSurrogateEscapeInRequestClaim_RejectedAsMetadataWithoutThrowing()
    {
        // Act: "\ud800" is valid JSON grammar, but not Unicode; JsonElement.GetString used to throw InvalidOperationException.
        var result = await RegisterRawAsync(request: r => r.SetRaw("scope", "\"openid \\ud800\""));

        // Assert
        AssertRejected(result, DcrErrors.InvalidClientMetadata, DcrErrorDescriptions.RegistrationRequestMalformed(PayloadNotJson));
    }

    [Test]
    public async Task RegisterAsync_LoneSurrogateEscapeInMemberName_RejectedAsMetadataWithoutThrowing()
    {
        // Act: the duplicate-name check of JsonDocument unescapes names and used to throw InvalidOperationException.
        var result = await RegisterRawAsync(request: r => r.AddRawMember("\"x\\udfff\"", "1"));

        // Assert
        AssertRejected(result, DcrErrors.InvalidClientMetadata, DcrErrorDescriptions.RegistrationRequestMalformed(PayloadNotJson));
    }

    [Test]
    public async Task RegisterAsync_LoneSurrogateEscapeInSoftwareStatementClaim_RejectedAsSoftwareStatement()
    {
        // Act
        var result = await RegisterRawAsync(ssa: s => s.SetRaw("org_name", "\"\\udc00\""));

        // Assert
        AssertRejected(result, DcrErrors.InvalidSoftwareStatement, DcrErrorDescriptions.SoftwareStatementMalformed(PayloadNotJson));
    }

    [Test]
    public async Task RegisterAsync_InvalidUtf8InsideRequestPayload_RejectedAsMetadataWithoutThrowing()
    {
        // Act: JsonDocument.Parse does not validate UTF-8 inside strings; reading the claim used to throw.
        var result = await RegisterRawAsync(request: r => r.Transform(bytes =>
        {
            var text = Encoding.UTF8.GetString(bytes);
            var index = Encoding.UTF8.GetByteCount(text[..(text.IndexOf("\"private_key_jwt", StringComparison.Ordinal) + 1)]);
            return [.. bytes.AsSpan(0, index), 0xC0, 0xAF, .. bytes.AsSpan(index)];
        }));

        // Assert
        AssertRejected(result, DcrErrors.InvalidClientMetadata, DcrErrorDescriptions.RegistrationRequestMalformed(PayloadNotJson));
    }

    [Test]
    public async Task RegisterAsync_HeaderNumberBeyondDecimal_RejectedAsMetadataWithoutThrowing()
    {
        // Act: jose-jwt re-reads the header into a dictionary and used to throw JsonException out of JWT.Verify.
        var result = await RegisterRawAsync(requestHeader: h => h.SetRaw("x-unknown", "123456789012345678901234567890"));

        // Assert
        AssertRejected(result, DcrErrors.InvalidClientMetadata, DcrErrorDescriptions.RequestSignatureInvalid("the token's header could not be read"));
    }

    [Test]
    public async Task RegisterAsync_RequestExpiringAtLastNumericDate_SucceedsWithoutOverflow()
    {
        // Act: exp + clock skew used to overflow DateTimeOffset (ArgumentOutOfRangeException).
        var result = await RegisterRawAsync(request: r => r.SetRaw("exp", LastNumericDate));

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
        Assert.That(_fixture.Store.Registrations, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RegisterAsync_SoftwareStatementExpiringAtLastNumericDate_SucceedsWithoutOverflow()
    {
        // Act
        var result = await RegisterRawAsync(ssa: s => s.SetRaw("exp", LastNumericDate));

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
    }

    [Test]
    public async Task RegisterAsync_SubjectDnWithUnicodeNoncharacters_RejectedWithoutThrowing()
    {
        // Act: string.Normalize (ICU) throws ArgumentException for U+FFFF; DistinguishedName.TryParse must not.
        var result = await RegisterRawAsync(request: r =>
        {
            r.Object["token_endpoint_auth_method"] = "tls_client_auth";
            r.Remove("token_endpoint_auth_signing_alg");
            r.Object["tls_client_auth_subject_dn"] = "CN=\uffff\ufffe";
        });

        // Assert
        AssertRejected(result, DcrErrors.InvalidClientMetadata, DcrErrorDescriptions.SubjectDnNotOfCertificate);
    }

    [Test]
    public async Task RegisterAsync_RedirectUriHostRefusedByIdna_RejectedAsRedirectUriWithoutThrowing()
    {
        // Act: Uri.TryCreate accepts a zero-width joiner in the host, and Uri.IdnHost then throws UriFormatException.
        var result = await RegisterRawAsync(
            ssa: s => s.Object["software_redirect_uris"] = new JsonArray(),
            request: r => r.Object["redirect_uris"] = new JsonArray("https://a\u200db.example/cb"));

        // Assert
        AssertRejected(result, DcrErrors.InvalidRedirectUri, DcrErrorDescriptions.RedirectUriInvalid(
            "https://a\u200db.example/cb",
            "contains a character a URI may not hold unencoded (RFC 3986)"));
    }

    [Test]
    public async Task RegisterAsync_LongKid_DescriptionIsBounded()
    {
        // Act
        var result = await RegisterRawAsync(ssaHeader: h => h.Object["kid"] = new string('k', 10_000));

        // Assert
        AssertRejected(result, DcrErrors.InvalidSoftwareStatement, DcrErrorDescriptions.SoftwareStatementKeyNotFound(JwksReasons.KeyNotFound));
        Assert.That(result.Error!.ErrorDescription, Has.Length.LessThan(400));
    }

    [Test]
    public async Task RegisterAsync_ControlCharactersInEchoedValue_DescriptionStaysOneEscapedLine()
    {
        // Act: descriptions are logged; a CR LF in an echoed claim could forge a log line.
        var result = await RegisterRawAsync(request: r => r.Object["token_endpoint_auth_method"] = "x\r\nERROR forged\u202e");

        // Assert
        AssertRejected(result, DcrErrors.InvalidClientMetadata, DcrErrorDescriptions.ValueNotSupported(
            "token_endpoint_auth_method",
            "x\r\nERROR forged\u202e",
            ["private_key_jwt", "tls_client_auth"]));
        Assert.Multiple(() =>
        {
            Assert.That(result.Error!.ErrorDescription.Any(char.IsControl), Is.False, result.Error.ErrorDescription);
            Assert.That(result.Error.ErrorDescription, Does.Contain("x\\u000D\\u000AERROR forged\\u202E"));
        });
    }

    [TestCase("plain", 80, "plain")]
    [TestCase("a\tb", 80, "a\\u0009b")]
    [TestCase("abcdef", 3, "abc…")]
    [TestCase("\u0000\u0000\u0000", 6, "\\u0000…")]
    [TestCase("\ud83d\ude00 ok", 80, "\ud83d\ude00 ok")]
    public void Truncate_ClientText_IsEscapedAndBounded(string value, int max, string expected)
        => Assert.That(DcrErrorDescriptions.Truncate(value, max), Is.EqualTo(expected));

    [Test]
    public void Truncate_LoneSurrogate_IsEscaped()
        => Assert.That(DcrErrorDescriptions.Truncate("x\ud800"), Is.EqualTo("x\\uD800"));

    /// <summary>Registers a request built from raw drafts: any bytes, signed with the fixture's real keys.</summary>
    private Task<DcrResult<JsonObject>> RegisterRawAsync(
        Action<FuzzJsonDraft>? ssa = null,
        Action<FuzzJsonDraft>? request = null,
        Action<FuzzJsonDraft>? requestHeader = null,
        Action<FuzzJsonDraft>? ssaHeader = null)
    {
        var ssaClaims = new FuzzJsonDraft(_fixture.Directory.SoftwareStatementClaims(_fixture.Tpp));
        var ssaHeaderDraft = new FuzzJsonDraft(RawJws.HeaderFor(_fixture.Directory.SigningKey));
        ssa?.Invoke(ssaClaims);
        ssaHeader?.Invoke(ssaHeaderDraft);
        var softwareStatement = RawJws.Sign(_fixture.Directory.SigningKey, ssaHeaderDraft.ToBytes(), ssaClaims.ToBytes());

        var claims = new FuzzJsonDraft(_fixture.Tpp.RegistrationClaims(softwareStatement, RegistrationServiceFixture.Audience));
        var header = new FuzzJsonDraft(RawJws.HeaderFor(_fixture.Tpp.SigningKey));
        request?.Invoke(claims);
        requestHeader?.Invoke(header);
        return _fixture.RegisterAsync(RawJws.Sign(_fixture.Tpp.SigningKey, header.ToBytes(), claims.ToBytes()));
    }

    private void AssertRejected(DcrResult<JsonObject> result, string expectedError, string expectedDescription)
        => Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.False, "the request should have been rejected");
            Assert.That(result.Error?.Error, Is.EqualTo(expectedError), () => result.Error?.ErrorDescription ?? string.Empty);
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo(expectedDescription), "the description of the rule the input breaks");
            Assert.That(_fixture.Store.Registrations, Is.Empty, "nothing is stored for a rejected request");
        });
}
