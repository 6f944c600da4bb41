// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;
using Jose;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.UnitTests.Registration;

public sealed partial class RegistrationServiceTests
{
    private const string InvalidMetadata = DcrErrors.InvalidClientMetadata;

    public static IEnumerable<RejectionCase> RequestObjectCases()
    {
        yield return new("iss not the software_id", null, c => c["iss"] = "SomeoneElse", InvalidMetadata,
            "The registration request's iss 'SomeoneElse' must be the software statement's software_id.");
        yield return new("iss missing", null, c => c.Remove("iss"), InvalidMetadata,
            "The registration request has no iss claim.");
        yield return new("aud other bank", null, c => c["aud"] = "0015800001OTHER", InvalidMetadata,
            "The registration request's aud does not name this bank; accepted: 0015800001ZEZ3HAA3.");
        yield return new("aud missing", null, c => c.Remove("aud"), InvalidMetadata,
            "The registration request has no aud claim.");
        yield return new("aud number", null, c => c["aud"] = 5, InvalidMetadata,
            "The registration request's aud is not a string or an array of strings.");
        yield return new("exp passed", null, c => c["exp"] = Now(-600), InvalidMetadata,
            "The registration request has expired (exp).");
        yield return new("exp missing", null, c => c.Remove("exp"), InvalidMetadata,
            "The registration request has no exp claim.");
        yield return new("iat missing", null, c => c.Remove("iat"), InvalidMetadata,
            "The registration request has no iat claim.");
        yield return new("iat in the future", null, c => c["iat"] = Now(3600), InvalidMetadata,
            "The registration request's iat is in the future.");
        yield return new("issued too long ago", null, c => { c["iat"] = Now(-7200); c["exp"] = Now(600); }, InvalidMetadata,
            "The registration request was issued more than 60 minutes ago.");
        yield return new("jti missing", null, c => c.Remove("jti"), InvalidMetadata,
            "The registration request has no jti claim.");
        yield return new("jti too long", null, c => c["jti"] = new string('a', 129), InvalidMetadata,
            "The registration request's jti is longer than 128 characters.");
        yield return new("jti number", null, c => c["jti"] = 12345, InvalidMetadata,
            "The registration request's jti is not a string.");
    }

    [TestCaseSource(nameof(RequestObjectCases))]
    public Task RegisterAsync_InvalidRequestEnvelope_IsRejected(RejectionCase testCase) => AssertRejectedAsync(testCase);

    [Test]
    public async Task RegisterAsync_AudienceAsArrayHoldingBank_Succeeds()
    {
        // Act
        var result = await _fixture.RegisterAsync(modifyRequest: c => c["aud"] = new JsonArray("someone", RegistrationServiceFixture.Audience));

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
    }

    [Test]
    public async Task RegisterAsync_RequestSignedWithKeyNotInSoftwareJwks_IsRejected()
    {
        // Arrange
        using var other = Testing.TestSigningKey.CreatePs256(_fixture.Tpp.SigningKey.KeyId);
        var body = other.Sign(_fixture.Claims());

        // Act
        var result = await _fixture.RegisterAsync(body);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
            Assert.That(
                result.Error?.ErrorDescription,
                Is.EqualTo(DcrErrorDescriptions.RequestSignatureInvalid("the signature is invalid")));
            Assert.That(_fixture.Store.Registrations, Is.Empty);
        });
    }

    [Test]
    public async Task RegisterAsync_RequestWithUnknownKid_IsRejected()
    {
        // Act
        var result = await _fixture.RegisterAsync(_fixture.Tpp.SigningKey.Sign(_fixture.Claims(), keyIdOverride: "unknown-kid"));

        // Assert
        Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
    }

    [Test]
    public async Task RegisterAsync_UnsignedRequest_IsRejected()
    {
        // Arrange
        var payload = Encoding.UTF8.GetBytes(_fixture.Claims().ToJsonString());
        var body = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + Base64Url.Encode(payload) + ".";

        // Act
        var result = await _fixture.RegisterAsync(body);

        // Assert
        Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
    }

    [Test]
    public async Task RegisterAsync_HmacRequestKeyedWithPublicKey_IsRejected()
    {
        // Arrange: the RS/HS confusion attack, HMAC keyed with the public key's bytes.
        var publicKey = Encoding.UTF8.GetBytes(_fixture.Tpp.SigningKey.PublicJwk.N);
        var body = JWT.Encode(_fixture.Claims().ToJsonString(), publicKey, JwsAlgorithm.HS256,
            new Dictionary<string, object> { ["kid"] = _fixture.Tpp.SigningKey.KeyId });

        // Act
        var result = await _fixture.RegisterAsync(body);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
            Assert.That(
                result.Error?.ErrorDescription,
                Is.EqualTo(DcrErrorDescriptions.AlgorithmNotAccepted("registration request", "HS256", Options.RequestObject.AllowedAlgorithms)));
        });
    }

    [TestCase("{\"software_statement\":\"x\"}", "application/json")]
    [TestCase("", "application/jose")]
    [TestCase("not a jwt at all", "application/jose")]
    [TestCase("a.b.c.d.e", "application/jose")]
    [TestCase("eyJhbGciOiJQUzI1NiJ9.e30.c2ln", "text/plain")]
    [TestCase("eyJhbGciOiJQUzI1NiIsImp3ayI6e319.e30.c2ln", "application/jose")]
    [TestCase("eyJhbGciOiJQUzI1NiIsImFsZyI6Im5vbmUifQ.e30.c2ln", "application/jose")]
    public async Task RegisterAsync_MalformedBody_IsRejectedAsInvalidClientMetadata(string body, string contentType)
    {
        // Act
        var result = await _fixture.RegisterAsync(body, contentType);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Error, Is.EqualTo(InvalidMetadata));
            Assert.That(_fixture.Store.Registrations, Is.Empty);
        });
    }

    [Test]
    public async Task RegisterAsync_OversizedBody_IsRejectedBeforeParsing()
    {
        // Arrange
        var body = new string('a', 70 * 1024);

        // Act
        var result = await _fixture.RegisterAsync(body);

        // Assert
        Assert.That(result.Error?.ErrorDescription, Is.EqualTo(DcrErrorDescriptions.BodyTooLarge(64 * 1024)));
    }

    private DcrOptions Options => _fixture.Services.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue;
}
