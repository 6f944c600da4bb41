// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// The OBIE lifecycle against a real authorization server over mutual TLS and PostgreSQL: register, obtain a token at the
/// server's own token endpoint, read, update (old token still valid), delete (old token refused). Derive one fixture per
/// plug-in and return its host from <see cref="StartHostAsync"/>.
/// </summary>
public abstract partial class ObieLifecycleTests
{
    protected TestEnvironment Environment { get; private set; } = null!;

    protected ILifecycleHost Host { get; private set; } = null!;

    /// <summary>Starts the bank: trust <see cref="TestEnvironment.DirectoryJwksUri"/> (issuer <c>Environment.Directory.Issuer</c>),
    /// accept audience <see cref="TestEnvironment.Audience"/>, trust the test CA, allow loopback JWKS, store in
    /// <see cref="TestEnvironment.ConnectionString"/>, and define the API scopes <c>accounts</c> and <c>payments</c>.</summary>
    protected abstract Task<ILifecycleHost> StartHostAsync(TestEnvironment environment);

    /// <summary>The token endpoint authentication methods the suites' banks allow: the suite also tries the secret method (an update may not switch to it).</summary>
    /// <param name="options">The bank's engine options.</param>
    public static void AllowEveryAuthMethod(DcrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Registration.TokenEndpointAuthMethods.Add("private_key_jwt");
        options.Registration.TokenEndpointAuthMethods.Add("tls_client_auth");
        options.Registration.TokenEndpointAuthMethods.Add("client_secret_basic");
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Environment = await TestEnvironment.StartAsync();
        Host = await StartHostAsync(Environment);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Environment is not null)
        {
            await Environment.DisposeAsync();
        }
    }

    [TestCase("PS256")]
    [TestCase("ES256")]
    public async Task Lifecycle_PrivateKeyJwt_RegisterTokenReadUpdateDelete(string algorithm)
    {
        // Arrange
        var tpp = Environment.NewTpp(algorithm == "ES256" ? TestSigningKey.CreateEs256() : TestSigningKey.CreatePs256());

        // Act + Assert: register
        var (clientId, body) = await RegisterAsync(tpp);
        Assert.Multiple(() =>
        {
            Assert.That(body["token_endpoint_auth_method"]!.GetValue<string>(), Is.EqualTo("private_key_jwt"));
            Assert.That(body["token_endpoint_auth_signing_alg"]!.GetValue<string>(), Is.EqualTo(algorithm));
            Assert.That(body.ContainsKey("client_secret"), Is.False, "no shared secret for private_key_jwt");
            Assert.That(body["software_id"]!.GetValue<string>(), Is.EqualTo(tpp.SoftwareId));
            Assert.That(body["org_id"]!.GetValue<string>(), Is.EqualTo(tpp.OrganisationId), "SSA claims flattened");
            Assert.That(body["client_id_issued_at"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.Number));
        });

        // token, with the server's own token endpoint
        var token = await TokenWithPrivateKeyJwtAsync(tpp, clientId);
        var uri = ManagementUri(clientId);

        // GET
        using (var read = await Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token))
        {
            var json = await ReadJsonAsync(read);
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
            Assert.That(json["client_id"]!.GetValue<string>(), Is.EqualTo(clientId));
        }

        // PUT
        var update = Environment.SignedRequest(tpp, c => c["scope"] = "openid accounts");
        using (var put = await Environment.SendAsync(HttpMethod.Put, uri, tpp.TransportCertificate, token, update))
        {
            var json = await ReadJsonAsync(put);
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
            Assert.That(json["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts"));
            Assert.That(json["client_id"]!.GetValue<string>(), Is.EqualTo(clientId));
        }

        // the old token is still valid after the update, and a new one can be obtained
        using (var again = await Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await ReadJsonAsync(again))["scope"]!.GetValue<string>(), Is.EqualTo("openid accounts"));
        }

        _ = await TokenWithPrivateKeyJwtAsync(tpp, clientId);

        // DELETE, then the old token is refused
        using (var delete = await Environment.SendAsync(HttpMethod.Delete, uri, tpp.TransportCertificate, token))
        {
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        using var after = await Environment.SendAsync(HttpMethod.Get, uri, tpp.TransportCertificate, token);
        Assert.Multiple(async () =>
        {
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await Environment.CountRegistrationsAsync(tpp.SoftwareId), Is.Zero);
        });
        using var refused = await RequestPrivateKeyJwtTokenAsync(tpp, clientId);
        await AssertInvalidClientAsync(refused);
    }

    /// <summary>
    /// A refused client authentication: <c>invalid_client</c>, with 401 or 400 (RFC 6749 section 5.2 requires 401 only
    /// when the client authenticated with the Authorization header; servers differ otherwise).
    /// </summary>
    protected static async Task AssertInvalidClientAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var json = await ReadJsonAsync(response);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized), json.ToJsonString());
            Assert.That(json["error"]?.GetValue<string>(), Is.EqualTo("invalid_client"), json.ToJsonString());
        });
    }

    [Test]
    public async Task Lifecycle_TlsClientAuth_SubjectDnInAnotherOrder_RegisterTokenReadDelete()
    {
        // Arrange: the subject DN as OpenSSL writes it (reversed order, no spaces), not as .NET does.
        var tpp = Environment.NewTpp();
        var subjectDn = $"C=GB,O=OpenBanking,OU={tpp.OrganisationId},CN={tpp.SoftwareId}";

        // Act
        var (clientId, body) = await RegisterAsync(tpp, c =>
        {
            c["token_endpoint_auth_method"] = "tls_client_auth";
            c.Remove("token_endpoint_auth_signing_alg");
            c["tls_client_auth_subject_dn"] = subjectDn;
        });
        var token = await TokenWithTlsClientAuthAsync(tpp, clientId);
        using var read = await Environment.SendAsync(HttpMethod.Get, ManagementUri(clientId), tpp.TransportCertificate, token);
        using var delete = await Environment.SendAsync(HttpMethod.Delete, ManagementUri(clientId), tpp.TransportCertificate, token);
        using var after = await Environment.SendAsync(HttpMethod.Get, ManagementUri(clientId), tpp.TransportCertificate, token);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(body["tls_client_auth_subject_dn"]!.GetValue<string>(), Is.EqualTo(subjectDn));
            Assert.That(body.ContainsKey("client_secret"), Is.False, "no shared secret for tls_client_auth");
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    protected Uri ManagementUri(string clientId) => new(Host.RegistrationEndpoint + "/" + clientId);

    protected async Task<(string ClientId, JsonObject Body)> RegisterAsync(TestTpp tpp, Action<JsonObject>? modify = null)
    {
        using var response = await Environment.SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, tpp.TransportCertificate, body: Environment.SignedRequest(tpp, modify));
        var body = await ReadJsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return (body["client_id"]!.GetValue<string>(), body);
    }

    protected Task<HttpResponseMessage> RequestPrivateKeyJwtTokenAsync(TestTpp tpp, string clientId, TestSigningKey? key = null, TimeSpan? lifetime = null)
        => Environment.PostFormAsync(Host.TokenEndpoint, tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = TestEnvironment.ClientAssertion(key ?? tpp.SigningKey, clientId, Host.TokenEndpoint, lifetime),
        });

    protected Task<HttpResponseMessage> RequestTlsClientAuthTokenAsync(TestTpp tpp, string clientId)
        => Environment.PostFormAsync(Host.TokenEndpoint, tpp.TransportCertificate, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = clientId,
        });

    protected async Task<string> TokenWithPrivateKeyJwtAsync(TestTpp tpp, string clientId, TestSigningKey? key = null)
    {
        using var response = await RequestPrivateKeyJwtTokenAsync(tpp, clientId, key);
        return await ReadAccessTokenAsync(response);
    }

    protected async Task<string> TokenWithTlsClientAuthAsync(TestTpp tpp, string clientId)
    {
        using var response = await RequestTlsClientAuthTokenAsync(tpp, clientId);
        return await ReadAccessTokenAsync(response);
    }

    protected static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<string> ReadAccessTokenAsync(HttpResponseMessage response)
    {
        var json = await ReadJsonAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["access_token"]!.GetValue<string>();
    }
}
