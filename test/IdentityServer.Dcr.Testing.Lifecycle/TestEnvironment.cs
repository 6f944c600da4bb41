// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// Everything a registration needs, for real, whatever the bank: a test CA, a directory whose JWKS is served over HTTPS
/// on loopback, TPPs whose JWKS is served there too, and a PostgreSQL database (a fresh one unless given). A bank is
/// started on it (<see cref="TestHost"/>): by the environment itself for the engine on its own
/// (<see cref="StartWithEngineAsync"/>, then <see cref="Host"/>), or by a plug-in's host factory.
/// </summary>
public sealed partial class TestEnvironment : IAsyncDisposable
{
    /// <summary>The accepted registration audience (an organisation id, as OBIE banks use).</summary>
    public const string Audience = "0015800001ZEZ3HAA3";

    private readonly List<TestTpp> _tpps = [];
    private LoopbackTcpProxy? _database;
    private TestHost? _host;

    private TestEnvironment(TestPki pki, TestDirectory directory, LoopbackDocumentServer documents, string connectionString)
    {
        Pki = pki;
        Directory = directory;
        Documents = documents;
        ConnectionString = connectionString;
    }

    public TestPki Pki { get; }

    public TestDirectory Directory { get; }

    /// <summary>The HTTPS server of the directory's and the TPPs' JWKS.</summary>
    public LoopbackDocumentServer Documents { get; }

    /// <summary>The directory's JWKS URL (the trust anchor the host must configure).</summary>
    public Uri DirectoryJwksUri => Documents.UriFor("directory.jwks");

    /// <summary>The test's database, straight (for the assertions: what was stored; and for the engine's own host).</summary>
    public string ConnectionString { get; }

    /// <summary>The database as a plug-in's bank reaches it: through <see cref="Database"/>, which a test can cut.</summary>
    public string HostConnectionString
        => new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = Database.Port, Timeout = 3, CommandTimeout = 10 }.ConnectionString;

    /// <summary>The TCP path from the bank to PostgreSQL (started on first use); cut it for a database outage.</summary>
    public LoopbackTcpProxy Database
    {
        get
        {
            if (_database is null)
            {
                var target = new NpgsqlConnectionStringBuilder(ConnectionString);
                _database = new LoopbackTcpProxy(target.Host ?? "127.0.0.1", target.Port);
                _database.Start();
            }

            return _database;
        }
    }

    /// <summary>The bank the environment started (<see cref="StartWithEngineAsync"/>); a plug-in's host is its factory's.</summary>
    public TestHost Host => _host ?? throw new InvalidOperationException("This environment started no host: StartWithEngineAsync starts one.");

    /// <summary>Starts the environment on a fresh PostgreSQL database, or on <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">The database, if not a fresh one (an unreachable one, for an outage).</param>
    /// <returns>The environment.</returns>
    public static async Task<TestEnvironment> StartAsync(string? connectionString = null)
    {
        var pki = new TestPki();
        var directory = new TestDirectory();
        var documents = new LoopbackDocumentServer(pki.IssueServerCertificate());
        await documents.StartAsync();
        documents.Serve("directory.jwks", directory.Jwks);
        return new TestEnvironment(pki, directory, documents, connectionString ?? await PostgreSqlTestServer.CreateDatabaseAsync());
    }

    /// <summary>
    /// What every bank here is told: trust the directory (<see cref="DirectoryJwksUri"/>), accept <see cref="Audience"/>,
    /// trust the test CA (which publishes no CRL: revocation has suites of its own), fetch JWKS from loopback, at once.
    /// </summary>
    /// <param name="options">The bank's engine options.</param>
    public void ConfigureDcr(DcrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = Directory.Issuer, JwksUri = DirectoryJwksUri });
        options.RequestObject.AcceptedAudiences.Add(Audience);
        options.Transport.TrustedRoots.Add(Pki.RootCertificate);
        options.Transport.RevocationMode = X509RevocationMode.NoCheck; // The test CA publishes no CRL; RevocationLifecycleTests check revocation.
        options.Jwks.AllowedNetworks.Add("127.0.0.0/8");
        options.Jwks.AllowedNetworks.Add("::1");
        options.Jwks.MinRefreshInterval = TimeSpan.Zero;
    }

    /// <summary>Makes the bank's JWKS client trust the test CA's HTTPS servers (the directory's and the TPPs' JWKS).</summary>
    /// <param name="services">The bank's services.</param>
    public void TrustTestCa(IServiceCollection services)
        => services.Configure<JwksHttpHandlerOptions>(o => o.ConfigureHandler.Add(handler =>
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => Pki.IsIssuedHere(certificate as X509Certificate2)));

    /// <summary>A new TPP with a transport certificate from the test CA and its JWKS served over HTTPS.</summary>
    public TestTpp NewTpp(TestSigningKey? key = null)
    {
        var softwareId = Guid.NewGuid().ToString("N")[..22];
        var tpp = new TestTpp(Documents.UriFor($"tpp/{softwareId}.jwks").AbsoluteUri, key, softwareId);
        tpp.TransportCertificate = Pki.IssueClientCertificate(tpp.LegacyTransportSubject());
        Documents.Serve($"tpp/{softwareId}.jwks", tpp.Jwks);
        _tpps.Add(tpp);
        return tpp;
    }

    /// <summary>
    /// Registers a new TPP (asserting <c>201</c>) and returns it, its client identifier and its registration's management
    /// address.
    /// </summary>
    public async Task<(TestTpp Tpp, string ClientId, Uri ManagementUri)> RegisterNewTppAsync()
    {
        var tpp = NewTpp();
        using var response = await PostAsync(tpp.TransportCertificate, SignedRequest(tpp));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Created), body.ToJsonString());
        var clientId = body["client_id"]!.GetValue<string>();
        return (tpp, clientId, new Uri(Host.RegistrationEndpoint + "/" + clientId));
    }

    /// <summary>Publishes a new JWKS for <paramref name="tpp"/> (key rotation).</summary>
    public void PublishJwks(TestTpp tpp, params TestSigningKey[] keys)
        => Documents.Serve($"tpp/{tpp.SoftwareId}.jwks", TestSigningKey.JwksOf(keys));

    /// <summary>A signed registration request of <paramref name="tpp"/> (its token endpoint assertions signed with its key's algorithm), valid unless modified.</summary>
    public string SignedRequest(TestTpp tpp, Action<JsonObject>? modify = null)
    {
        var claims = tpp.RegistrationClaims(Directory.IssueSoftwareStatement(tpp), Audience);
        claims["token_endpoint_auth_signing_alg"] = tpp.SigningKey.Algorithm;
        modify?.Invoke(claims);
        return tpp.Sign(claims);
    }

    /// <summary>A <c>private_key_jwt</c> client assertion for <paramref name="clientId"/>.</summary>
    public static string ClientAssertion(TestSigningKey key, string clientId, Uri audience, TimeSpan? lifetime = null)
        => ClientAssertion(key, clientId, audience, lifetime, modify: null, omitKeyId: false);

    /// <summary>A <c>private_key_jwt</c> client assertion for <paramref name="clientId"/>, its claims modified, with or without <c>kid</c>.</summary>
    public static string ClientAssertion(TestSigningKey key, string clientId, Uri audience, TimeSpan? lifetime, Action<JsonObject>? modify, bool omitKeyId, string? keyIdOverride = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var claims = AssertionClaims(clientId, audience, lifetime);
        modify?.Invoke(claims);
        return key.Sign(claims, keyIdOverride: keyIdOverride, omitKeyId: omitKeyId);
    }

    private static JsonObject AssertionClaims(string clientId, Uri audience, TimeSpan? lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience.AbsoluteUri,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)(lifetime ?? TimeSpan.FromSeconds(120)).TotalSeconds,
        };
    }

    /// <summary>An HTTP client presenting <paramref name="certificate"/> (or none) and trusting the test CA.</summary>
    public HttpClient Client(X509Certificate2? certificate) => TestHost.CreateClient(Pki.IsIssuedHere, certificate);

    /// <summary>Sends a request over mutual TLS with an optional bearer token and body.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, X509Certificate2? certificate, string? accessToken = null, string? body = null, string contentType = "application/jose")
    {
        using var client = Client(certificate);
        using var request = new HttpRequestMessage(method, uri);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Posts a registration request to <see cref="Host"/> over mutual TLS.</summary>
    public Task<HttpResponseMessage> PostAsync(X509Certificate2? certificate, string body, string contentType = "application/jose")
        => SendAsync(HttpMethod.Post, Host.RegistrationEndpoint, certificate, accessToken: null, body, contentType);

    /// <summary>Posts a form (a token request) over mutual TLS.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(Uri uri, X509Certificate2? certificate, IDictionary<string, string> form)
    {
        using var client = Client(certificate);
        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(uri, content);
    }

    /// <summary>Counts the engine's registration rows for a software, straight from PostgreSQL.</summary>
    public Task<long> CountRegistrationsAsync(string softwareId)
        => CountAsync("SELECT COUNT(*) FROM \"DcrClientRegistrations\" WHERE \"SoftwareId\" = @v", softwareId);

    /// <summary>Counts OpenIddict's application rows for a client, straight from PostgreSQL.</summary>
    public Task<long> CountApplicationsAsync(string clientId)
        => CountAsync("SELECT COUNT(*) FROM \"OpenIddictApplications\" WHERE \"ClientId\" = @v", clientId);

    /// <summary>Counts every OpenIddict application row.</summary>
    public Task<long> CountAllApplicationsAsync()
        => CountAsync("SELECT COUNT(*) FROM \"OpenIddictApplications\"", value: null);

    /// <summary>Counts the used registration request tokens of an issuer (replay protection).</summary>
    public Task<long> CountUsedTokensAsync(string issuer)
        => CountAsync("SELECT COUNT(*) FROM \"DcrUsedRequestTokens\" WHERE \"Issuer\" = @v", issuer);

    /// <summary>Runs a <c>COUNT(*)</c> query with one parameter <c>@v</c> (or none).</summary>
    public async Task<long> CountAsync(string sql, string? value)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (value is not null)
        {
            command.Parameters.AddWithValue("v", value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Documents.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        foreach (var tpp in _tpps)
        {
            tpp.Dispose();
        }

        Directory.Dispose();
        Pki.Dispose();
    }
}
