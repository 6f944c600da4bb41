// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>
/// A bank that calls OpenIddict's <c>DisableTokenStorage()</c> (no token entries, JWT access tokens only): management
/// still accepts the client's tokens, refuses them once the client is deleted, and client assertions stay single-use.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictWithoutTokenStorageTests
{
    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync(server: s => s.DisableTokenStorage());

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    [Test]
    public async Task Lifecycle_WithoutTokenEntries_ReadThenDeleteThenOldTokenRefused()
    {
        // Arrange
        var environment = _bank.Environment;
        var tpp = environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var uri = _bank.RegistrationUri(clientId);
        var token = await _bank.AccessTokenAsync(tpp, clientId);

        // Act
        using var read = await environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var delete = await environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, token);
        using var readAfterDelete = await environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), await read.Content.ReadAsStringAsync());
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(readAfterDelete.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await environment.CountApplicationsAsync(clientId), Is.Zero);
        });
    }

    [Test]
    public async Task Token_ReplayedAssertion_IsStillRefused()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var assertion = _bank.Assertion(clientId, tpp.SigningKey);

        // Act
        var first = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, assertion);
        var replay = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, assertion);

        // Assert
        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.OK), first.Body.ToJsonString());
        Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.BadRequest).Or.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(replay.Body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"));
    }
}
