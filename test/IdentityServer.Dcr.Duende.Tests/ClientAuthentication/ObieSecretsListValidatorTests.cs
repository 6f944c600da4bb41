// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Duende.IdentityServer.Events;
using Duende.IdentityServer.Services;
using IdentityServer.Dcr.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Duende.Tests.ClientAuthentication;

/// <summary>
/// The registered <c>token_endpoint_auth_method</c> is enforced before Duende's secret validators run: a client using
/// another method or algorithm gets <c>invalid_client</c>, Duende raises <see cref="ClientAuthenticationFailureEvent"/>
/// and never <see cref="ClientAuthenticationSuccessEvent"/> (real Kestrel over mutual TLS, PostgreSQL).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ObieSecretsListValidatorTests
{
    private readonly RecordingEventSink _events = new();
    private DuendeTestBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
        => _bank = await DuendeTestBank.StartAsync(
            configure: null, // the lifecycle host enables private_key_jwt, tls_client_auth and client_secret_basic
            identityServer => identityServer.Services.AddSingleton<IEventSink>(_events));

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_bank is not null)
        {
            await _bank.DisposeAsync();
        }
    }

    [Test]
    public async Task Token_AssertionSignedWithAnotherPublishedAlgorithm_FailsBeforeSuccessIsRaised()
    {
        // Arrange: registered for PS256 assertions; an ES256 key is published too, so the signature itself would verify.
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        using var ec = TestSigningKey.CreateEs256();
        _bank.Environment.PublishJwks(tpp, tpp.SigningKey, ec);

        // Act
        using var response = await _bank.RequestTokenAsync(tpp, clientId, key: ec);

        // Assert
        await AssertRefusedWithoutSuccessEventAsync(response, clientId);
    }

    [Test]
    public async Task Token_ClientSecretBasicClientPostingItsSecret_FailsBeforeSuccessIsRaised()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var (clientId, body) = await RegisterClientSecretBasicAsync(tpp);
        var secret = body["client_secret"]!.GetValue<string>();

        // Act
        using var response = await _bank.Environment.PostFormAsync(_bank.Host.TokenEndpoint, tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        });

        // Assert
        await AssertRefusedWithoutSuccessEventAsync(response, clientId);
    }

    [Test]
    public async Task Token_ClientSecretBasicClientUsingBasic_SucceedsAndRaisesSuccess()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var (clientId, body) = await RegisterClientSecretBasicAsync(tpp);
        var secret = body["client_secret"]!.GetValue<string>();
        using var client = _bank.Environment.Client(tpp.TransportCertificate);
        using var request = new HttpRequestMessage(HttpMethod.Post, _bank.Host.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "accounts" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            Assert.That(_events.For<ClientAuthenticationSuccessEvent>(clientId), Is.Not.Empty);
        });
    }

    private Task<(string ClientId, JsonObject Body)> RegisterClientSecretBasicAsync(TestTpp tpp)
        => _bank.RegisterWithResponseAsync(tpp, claims =>
        {
            claims["token_endpoint_auth_method"] = "client_secret_basic";
            claims.Remove("token_endpoint_auth_signing_alg");
        });

    private async Task AssertRefusedWithoutSuccessEventAsync(HttpResponseMessage response, string clientId)
    {
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized), json.ToJsonString());
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"));
            Assert.That(_events.For<ClientAuthenticationFailureEvent>(clientId), Is.Not.Empty);
            Assert.That(_events.For<ClientAuthenticationSuccessEvent>(clientId), Is.Empty, "Duende reported the client as authenticated");
        });
    }

    private sealed class RecordingEventSink : IEventSink
    {
        private readonly ConcurrentQueue<Event> _events = new();

        public Task PersistAsync(Event evt)
        {
            _events.Enqueue(evt);
            return Task.CompletedTask;
        }

        public List<T> For<T>(string clientId)
            where T : Event
            => _events.OfType<T>().Where(e => e switch
            {
                ClientAuthenticationSuccessEvent success => success.ClientId == clientId,
                ClientAuthenticationFailureEvent failure => failure.ClientId == clientId,
                _ => false,
            }).ToList();
    }
}
