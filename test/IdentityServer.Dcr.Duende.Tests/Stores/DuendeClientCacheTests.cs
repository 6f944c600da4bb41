// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Duende.Tests.Stores;

/// <summary>
/// A bank with Duende's client store cache (<c>AddConfigurationStoreCache</c>): an update or a delete through the OBIE
/// management endpoints applies at once, not when the cached client expires (real Kestrel over mutual TLS, PostgreSQL).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeClientCacheTests
{
    private DuendeTestBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
        => _bank = await DuendeTestBank.StartAsync(identityServer: identityServer => identityServer.AddConfigurationStoreCache());

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_bank is not null)
        {
            await _bank.DisposeAsync();
        }
    }

    [Test]
    public async Task Delete_ClientCached_ItsTokenAndItsAuthenticationAreRefusedAtOnce()
    {
        // Arrange: the token requests and the GET put the client in Duende's cache.
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.TokenAsync(tpp, clientId);
        var uri = new Uri(_bank.Host.RegistrationEndpoint + "/" + clientId);
        using (var read = await _bank.Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token))
        {
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        // Act
        using var delete = await _bank.Environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, token);
        using var after = await _bank.Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        using var tokenAfter = await _bank.RequestTokenAsync(tpp, clientId);

        // Assert
        var json = JsonNode.Parse(await tokenAfter.Content.ReadAsStringAsync())!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the deleted client's token");
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), json.ToJsonString());
        });
    }

    [Test]
    public async Task Put_ScopeRemovedFromCachedClient_TokenForTheRemovedScopeIsRefusedAtOnce()
    {
        // Arrange: registered for accounts and payments; a payments token puts the client in Duende's cache.
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var token = await _bank.TokenAsync(tpp, clientId, "payments");
        var uri = new Uri(_bank.Host.RegistrationEndpoint + "/" + clientId);

        // Act
        using var put = await _bank.Environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, token, _bank.Environment.SignedRequest(tpp, c => c["scope"] = "openid accounts"));
        using var payments = await _bank.RequestTokenAsync(tpp, clientId, "payments");
        using var accounts = await _bank.RequestTokenAsync(tpp, clientId, "accounts");

        // Assert
        var json = JsonNode.Parse(await payments.Content.ReadAsStringAsync())!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("invalid_scope"), json.ToJsonString());
            Assert.That(accounts.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
