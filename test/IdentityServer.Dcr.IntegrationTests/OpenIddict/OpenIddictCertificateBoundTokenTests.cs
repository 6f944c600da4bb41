// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>
/// Certificate-bound access tokens (RFC 8705 §3) with <c>Dcr:Registration:CertificateBoundAccessTokens</c> on, and
/// expired access tokens at the management endpoints (a bank with a short access token lifetime; tokens unencrypted
/// so the test can read <c>cnf</c>).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictCertificateBoundTokenTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(4);

    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync(
        options => options.Registration.CertificateBoundAccessTokens = true,
        server => server.DisableAccessTokenEncryption().SetAccessTokenLifetime(Lifetime));

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    [Test]
    public async Task Token_PrivateKeyJwt_CarriesCnfOfTheTransportCertificate()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);

        // Act
        var token = await _bank.AccessTokenAsync(tpp, clientId);

        // Assert
        var cnf = JsonNode.Parse(new JsonWebToken(token).GetPayloadValue<object>("cnf").ToString()!)!;
        Assert.That(cnf["x5t#S256"]!.GetValue<string>(), Is.EqualTo(Base64UrlEncoder.Encode(SHA256.HashData(tpp.TransportCertificate!.RawData))));
    }

    [Test]
    public async Task Token_PrivateKeyJwtOverASelfSignedCertificate_IsInvalidClient()
    {
        // Arrange: a valid assertion, but a transport certificate that does not chain to the bank's roots.
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        using var key = RSA.Create(2048);
        using var selfSigned = new CertificateRequest(tpp.LegacyTransportSubject(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var certificate = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);

        // Act
        var (status, body) = await _bank.TokenWithAssertionAsync(certificate, clientId, _bank.Assertion(clientId, tpp.SigningKey));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That((int)status, Is.InRange(400, 401));
            Assert.That(body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), body.ToJsonString());
        });
    }

    [Test]
    public async Task Token_PrivateKeyJwtWithoutCertificate_IsInvalidClient()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);

        // Act
        var (_, body) = await _bank.TokenWithAssertionAsync(null, clientId, _bank.Assertion(clientId, tpp.SigningKey));

        // Assert
        Assert.That(body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), body.ToJsonString());
    }

    [Test]
    public async Task Management_BoundTokenOverTheSameCertificate_Returns200()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.AccessTokenAsync(tpp, clientId);

        // Act
        using var read = await _bank.Environment.SendAsync(HttpMethod.Get, _bank.RegistrationUri(clientId), tpp.TransportCertificate, token);

        // Assert
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Management_BoundTokenOverAnotherCertificate_Returns401Bearer()
    {
        // Arrange: another TPP's certificate, issued by the same trusted CA.
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.AccessTokenAsync(tpp, clientId);
        var other = _bank.Environment.NewTpp();

        // Act
        using var read = await _bank.Environment.SendAsync(HttpMethod.Get, _bank.RegistrationUri(clientId), other.TransportCertificate, token);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(read.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        });
    }

    [Test]
    public async Task Management_ExpiredToken_Returns401Bearer()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.AccessTokenAsync(tpp, clientId);
        var expiresAt = new JsonWebToken(token).ValidTo;
        await Task.Delay(expiresAt - DateTime.UtcNow + TimeSpan.FromSeconds(1.5));

        // Act
        using var read = await _bank.Environment.SendAsync(HttpMethod.Get, _bank.RegistrationUri(clientId), tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(expiresAt - DateTime.UtcNow, Is.LessThan(TimeSpan.Zero), "the token has expired");
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(read.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer").And.Contain("invalid_token"));
        });
    }
}
