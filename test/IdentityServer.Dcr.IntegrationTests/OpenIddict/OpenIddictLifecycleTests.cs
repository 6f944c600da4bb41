// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>The whole OBIE lifecycle against OpenIddict: register, token, GET, PUT, DELETE, then the old token.</summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictLifecycleTests
{
    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    [TestCase("PS256")]
    [TestCase("ES256")]
    public async Task Lifecycle_PrivateKeyJwt_TokenSurvivesPutAndDiesWithDelete(string algorithm)
    {
        // Arrange
        var environment = _bank.Environment;
        var tpp = environment.NewTpp(algorithm == "PS256" ? TestSigningKey.CreatePs256() : TestSigningKey.CreateEs256());
        var clientId = await _bank.RegisterAsync(tpp, c => c["token_endpoint_auth_signing_alg"] = algorithm);
        var uri = _bank.RegistrationUri(clientId);

        // Act
        var token = await _bank.AccessTokenAsync(tpp, clientId);
        using var read = await environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var update = await environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, token,
            environment.SignedRequest(tpp, c => { c["token_endpoint_auth_signing_alg"] = algorithm; c["scope"] = "openid accounts"; }));
        using var readAfterUpdate = await environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var delete = await environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, token);
        using var readAfterDelete = await environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var updateAfterDelete = await environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, token, environment.SignedRequest(tpp));
        using var deleteAfterDelete = await environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK), await update.Content.ReadAsStringAsync());
            Assert.That(readAfterUpdate.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(readAfterDelete.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(updateAfterDelete.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(deleteAfterDelete.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(readAfterDelete.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
            Assert.That(await environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
            Assert.That(await environment.CountApplicationsAsync(clientId), Is.Zero);
        });
    }

    [Test]
    public async Task Token_TlsClientAuth_IssuesTokenThatManagesTheRegistration()
    {
        // Arrange
        var environment = _bank.Environment;
        var tpp = environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = tpp.TransportCertificate!.Subject;
        });

        // Act
        var (status, body) = await _bank.TokenAsync(tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["scope"] = "accounts",
        });
        using var read = await environment.SendAsync(HttpMethod.Get, _bank.RegistrationUri(clientId), tpp.TransportCertificate, body["access_token"]?.GetValue<string>());

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Token_TlsClientAuthWithCertificateOfAnotherDn_IsInvalidClient()
    {
        // Arrange
        var environment = _bank.Environment;
        var tpp = environment.NewTpp();
        var other = environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = tpp.TransportCertificate!.Subject;
        });

        // Act
        var (status, body) = await _bank.TokenAsync(other.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
        });

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest).Or.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
        });
    }
}
