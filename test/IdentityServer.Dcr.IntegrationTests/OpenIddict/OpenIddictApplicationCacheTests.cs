// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using IdentityServer.Dcr.Testing;
using Npgsql;

namespace IdentityServer.Dcr.IntegrationTests.OpenIddict;

/// <summary>
/// The token endpoint's cache of registered clients' applications (<c>DcrOpenIddictOptions.ApplicationCache</c>):
/// a token request after the first reads no application from the database, and a client written by another instance
/// (simulated by writing its application row straight into PostgreSQL) never gets a token from the old copy.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class OpenIddictApplicationCacheTests
{
    private const string Lookups = "dcr.openiddict.application_cache.lookups";
    private OpenIddictBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await OpenIddictBank.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _bank.DisposeAsync();

    [Test]
    public async Task Token_SecondRequest_ApplicationServedFromTheCopy()
    {
        // Arrange
        using var capture = new TelemetryCapture();
        var (tpp, clientId) = await RegisterAsync();

        // Act
        var (first, firstTrace) = await TracedTokenAsync(tpp, clientId, _bank.Assertion(clientId, tpp.SigningKey));
        var (second, secondTrace) = await TracedTokenAsync(tpp, clientId, _bank.Assertion(clientId, tpp.SigningKey));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.OK), first.Body.ToJsonString());
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.OK), second.Body.ToJsonString());
            Assert.That(Results(capture, firstTrace), Is.EqualTo(new[] { "miss" }));
            Assert.That(Results(capture, secondTrace), Is.EqualTo(new[] { "hit" }));
        });
    }

    [Test]
    public async Task Token_ApplicationWrittenByAnotherInstance_RefusedOnceAndTheAssertionNotSpent()
    {
        // Arrange: the copy is taken, then "another instance" writes the application (a new concurrency token).
        var (tpp, clientId) = await RegisterAsync();
        await AssertTokenAsync(tpp, clientId);
        await ExecuteAsync("UPDATE \"OpenIddictApplications\" SET \"ConcurrencyToken\" = gen_random_uuid()::text WHERE \"ClientId\" = @c", clientId);
        var assertion = _bank.Assertion(clientId, tpp.SigningKey);

        // Act
        var refused = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, assertion);
        var again = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, assertion);

        // Assert: refused with a description that says to retry; the same assertion then works, recorded once.
        Assert.Multiple(async () =>
        {
            Assert.That(refused.Body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), refused.Body.ToJsonString());
            Assert.That(refused.Body["error_description"]?.GetValue<string>(), Is.EqualTo(DcrErrorDescriptions.ClientRegistrationChanged));
            Assert.That(again.Status, Is.EqualTo(HttpStatusCode.OK), again.Body.ToJsonString());
            Assert.That(await _bank.Environment.CountUsedTokensAsync("client_assertion:" + clientId), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Token_ClientDisabledByAnotherInstance_NeverGetsATokenFromTheCopy()
    {
        // Arrange, Act
        var (first, second) = await TokensAfterAWriteElsewhereAsync(
            "UPDATE \"OpenIddictApplications\" SET \"ConcurrencyToken\" = gen_random_uuid()::text, "
            + "\"Settings\" = (\"Settings\"::jsonb || '{\"dcr:disabled_at\":\"2026-12-06T00:00:00Z\"}')::text WHERE \"ClientId\" = @c");

        // Assert: the copy's request is refused as changed, the next one reads the disabled client.
        Assert.Multiple(() =>
        {
            Assert.That(first.Body["error_description"]?.GetValue<string>(), Is.EqualTo(DcrErrorDescriptions.ClientRegistrationChanged), first.Body.ToJsonString());
            Assert.That(second.Body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), second.Body.ToJsonString());
            Assert.That(second.Body["error_description"]?.GetValue<string>(), Is.EqualTo("The client is disabled by the bank."));
        });
    }

    [Test]
    public async Task Token_ApplicationDeletedByAnotherInstance_InvalidClientNeverAServerError()
    {
        // Arrange, Act
        var (first, second) = await TokensAfterAWriteElsewhereAsync(
            "DELETE FROM \"OpenIddictTokens\" WHERE \"ApplicationId\" IN (SELECT \"Id\" FROM \"OpenIddictApplications\" WHERE \"ClientId\" = @c); "
            + "DELETE FROM \"OpenIddictApplications\" WHERE \"ClientId\" = @c");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first.Body["error_description"]?.GetValue<string>(), Is.EqualTo(DcrErrorDescriptions.ClientRegistrationChanged), first.Body.ToJsonString());
            Assert.That(second.Body["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), second.Body.ToJsonString());
            Assert.That((int)second.Status, Is.LessThan(500));
        });
    }

    [Test]
    public async Task Token_MethodChangedByAnotherInstance_RefusedOnceByTheOldCopyThenAccepted()
    {
        // Arrange: the copy (private_key_jwt) is taken; "another instance" then moves the client to tls_client_auth. The
        // old copy refuses the method before any assertion is recorded, so only the refusal itself can drop the copy.
        var (tpp, clientId) = await RegisterAsync();
        await AssertTokenAsync(tpp, clientId);
        var settings = new JsonObject
        {
            ["dcr:token_endpoint_auth_method"] = "tls_client_auth",
            ["dcr:tls_client_auth_subject_dn"] = tpp.TransportCertificate!.Subject,
        };
        await ExecuteAsync(
            "UPDATE \"OpenIddictApplications\" SET \"ConcurrencyToken\" = gen_random_uuid()::text, "
            + $"\"Settings\" = (\"Settings\"::jsonb || '{settings.ToJsonString()}')::text WHERE \"ClientId\" = @c",
            clientId);
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "accounts", ["client_id"] = clientId };

        // Act
        var first = await _bank.TokenAsync(tpp.TransportCertificate, form);
        var second = await _bank.TokenAsync(tpp.TransportCertificate, form);

        // Assert: the refusal dropped the copy, so the next request reads the new method.
        Assert.Multiple(() =>
        {
            Assert.That(first.Body["error_description"]?.GetValue<string>(), Is.EqualTo("The client is registered for 'private_key_jwt' client authentication."),
                first.Body.ToJsonString());
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.OK), second.Body.ToJsonString());
        });
    }

    [Test]
    public async Task Token_AfterAnUpdateOnThisInstance_NewScopeAtOnceWithoutRefusal()
    {
        // Arrange: the copy holds the registered scopes; the client then drops "payments" through management.
        var (tpp, clientId) = await RegisterAsync();
        var accessToken = await _bank.AccessTokenAsync(tpp, clientId);
        using var update = await _bank.Environment.SendAsync(HttpMethod.Put, _bank.RegistrationUri(clientId), tpp.TransportCertificate, accessToken,
            _bank.Environment.SignedRequest(tpp, claims => claims["scope"] = "openid accounts"));
        Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK), await update.Content.ReadAsStringAsync());

        // Act
        var payments = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey), scope: "payments");
        var accounts = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey), scope: "accounts");

        // Assert: the write here evicted the copy, so nothing is refused as "changed" and the dropped scope is gone.
        Assert.Multiple(() =>
        {
            // OpenIddict's own refusal of a scope the application is not permitted (ID2051).
            Assert.That(payments.Body["error_description"]?.GetValue<string>(), Is.EqualTo("This client application is not allowed to use the specified scope."),
                payments.Body.ToJsonString());
            Assert.That(accounts.Status, Is.EqualTo(HttpStatusCode.OK), accounts.Body.ToJsonString());
        });
    }

    private async Task<(TestTpp Tpp, string ClientId)> RegisterAsync()
    {
        var tpp = _bank.Environment.NewTpp();
        return (tpp, await _bank.RegisterAsync(tpp));
    }

    /// <summary>A client takes its copy with one token, "another instance" writes its row, then two token requests.</summary>
    private async Task<((HttpStatusCode Status, JsonObject Body) First, (HttpStatusCode Status, JsonObject Body) Second)> TokensAfterAWriteElsewhereAsync(
        string sql)
    {
        var (tpp, clientId) = await RegisterAsync();
        await AssertTokenAsync(tpp, clientId);
        await ExecuteAsync(sql, clientId);
        var first = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey));
        var second = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey));
        return (first, second);
    }

    private async Task AssertTokenAsync(TestTpp tpp, string clientId)
    {
        var (status, body) = await _bank.TokenWithAssertionAsync(tpp.TransportCertificate, clientId, _bank.Assertion(clientId, tpp.SigningKey));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
    }

    private async Task<((HttpStatusCode Status, JsonObject Body) Result, System.Diagnostics.ActivityTraceId Trace)> TracedTokenAsync(TestTpp tpp, string clientId, string assertion)
    {
        using var root = TelemetryCapture.StartRoot();
        using var client = _bank.Environment.Client(tpp.TransportCertificate);
        using var request = new HttpRequestMessage(HttpMethod.Post, _bank.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = "accounts",
                ["client_id"] = clientId,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = assertion,
            }),
        };
        request.Headers.Add("traceparent", TelemetryCapture.TraceParent(root));
        using var response = await client.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return ((response.StatusCode, body), root.TraceId);
    }

    private static string[] Results(TelemetryCapture capture, System.Diagnostics.ActivityTraceId trace)
        => [.. capture.Measurements(trace, Lookups).Select(m => m.Tags["dcr.cache.result"])];

    private async Task ExecuteAsync(string sql, string clientId)
    {
        await using var connection = new NpgsqlConnection(_bank.Environment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("c", clientId);
        Assert.That(await command.ExecuteNonQueryAsync(), Is.GreaterThan(0), sql);
    }
}
