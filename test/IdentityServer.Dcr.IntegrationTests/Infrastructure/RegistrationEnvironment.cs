// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Lifecycle;
using IdentityServer.Dcr.Testing.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace IdentityServer.Dcr.IntegrationTests.Infrastructure;

/// <summary>
/// Everything a registration needs, for real: a test CA, a directory whose JWKS is served over HTTPS on loopback,
/// TPPs whose JWKS is served there too, a fresh PostgreSQL database, and the registration endpoint on Kestrel over
/// mutual TLS.
/// </summary>
public sealed class RegistrationEnvironment : IAsyncDisposable
{
    public const string Audience = "0015800001ZEZ3HAA3";

    private readonly List<TestTpp> _tpps = [];

    private RegistrationEnvironment(TestPki pki, TestDirectory directory, LoopbackDocumentServer jwks, DcrTestHost host, string connectionString)
    {
        Pki = pki;
        Directory = directory;
        Jwks = jwks;
        Host = host;
        ConnectionString = connectionString;
    }

    public TestPki Pki { get; }

    public TestDirectory Directory { get; }

    public LoopbackDocumentServer Jwks { get; }

    public DcrTestHost Host { get; }

    public string ConnectionString { get; }

    /// <summary>Starts the environment on a fresh PostgreSQL database (or <paramref name="connectionString"/>), or on SQLite when <paramref name="sqliteConnectionString"/> is given.</summary>
    public static async Task<RegistrationEnvironment> StartAsync(Action<DcrOptions>? configure = null, string? connectionString = null, bool migrate = true, Action<IServiceCollection>? configureServices = null, Func<WebApplication, Task>? configureApp = null, int port = 0, string? sqliteConnectionString = null)
    {
        var pki = new TestPki();
        var directory = new TestDirectory();
        var jwks = new LoopbackDocumentServer(pki.IssueServerCertificate());
        await jwks.StartAsync();
        jwks.Serve("directory.jwks", directory.Jwks);

        connectionString ??= sqliteConnectionString ?? await PostgreSqlTestServer.CreateDatabaseAsync();
        var host = new DcrTestHost
        {
            ServerCertificate = pki.IssueServerCertificate(),
            Migrate = migrate,
            Port = port,
            ConfigureApp = configureApp,
            ConfigureOptions = options =>
            {
                options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = directory.Issuer, JwksUri = jwks.UriFor("directory.jwks") });
                options.RequestObject.AcceptedAudiences.Add(Audience);
                options.Transport.TrustedRoots.Add(pki.RootCertificate);
                options.Transport.RevocationMode = X509RevocationMode.NoCheck; // The test CA publishes no CRL; RevocationLifecycleTests check revocation.
                options.Jwks.AllowedNetworks.Add("127.0.0.0/8");
                options.Jwks.AllowedNetworks.Add("::1");
                options.Jwks.MinRefreshInterval = TimeSpan.Zero;
                options.Jwks.Timeout = TimeSpan.FromSeconds(2);
                configure?.Invoke(options);
            },
            ConfigureServices = services =>
            {
                if (sqliteConnectionString is null)
                {
                    services.AddDcrPostgreSqlStore(connectionString, o => o.CommandTimeout = TimeSpan.FromSeconds(5));
                }
                else
                {
                    services.AddDcrSqliteStore(sqliteConnectionString);
                }

                services.Configure<JwksHttpHandlerOptions>(o => o.ConfigureHandler.Add(handler =>
                    handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => pki.IsIssuedHere(certificate as X509Certificate2)));
                configureServices?.Invoke(services);
            },
        };
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // Nothing half-started is left behind, so a caller may retry (for example on another port).
            await host.DisposeAsync();
            await jwks.DisposeAsync();
            throw;
        }

        return new RegistrationEnvironment(pki, directory, jwks, host, connectionString);
    }

    /// <summary>A new TPP with a transport certificate from the test CA and its JWKS served over HTTPS.</summary>
    public TestTpp NewTpp(TestSigningKey? key = null)
    {
        var softwareId = Guid.NewGuid().ToString("N")[..22];
        var tpp = new TestTpp(Jwks.UriFor($"tpp/{softwareId}.jwks").AbsoluteUri, key, softwareId);
        tpp.TransportCertificate = Pki.IssueClientCertificate(tpp.LegacyTransportSubject());
        Jwks.Serve($"tpp/{softwareId}.jwks", tpp.Jwks);
        _tpps.Add(tpp);
        return tpp;
    }

    /// <summary>A signed registration request of <paramref name="tpp"/>, valid unless modified.</summary>
    public string SignedRequest(TestTpp tpp, Action<System.Text.Json.Nodes.JsonObject>? modify = null)
    {
        var claims = tpp.RegistrationClaims(Directory.IssueSoftwareStatement(tpp), Audience);
        modify?.Invoke(claims);
        return tpp.Sign(claims);
    }

    public HttpClient Client(X509Certificate2? certificate) => DcrTestHost.CreateClient(Pki.IsIssuedHere, certificate);

    /// <summary>Sends a request over mutual TLS with an optional bearer token.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, X509Certificate2? certificate, string? accessToken, string? body = null, string contentType = "application/jose")
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

    public async Task<HttpResponseMessage> PostAsync(X509Certificate2? certificate, string body, string contentType = "application/jose")
    {
        using var client = Client(certificate);
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync(Host.RegistrationEndpoint, content);
    }

    /// <summary>Counts the rows stored for a software, straight from PostgreSQL.</summary>
    public async Task<long> CountRegistrationsAsync(string softwareId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM \"DcrClientRegistrations\" WHERE \"SoftwareId\" = @s", connection);
        command.Parameters.AddWithValue("s", softwareId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Counts OpenIddict application rows for a client, straight from PostgreSQL.</summary>
    public async Task<long> CountApplicationsAsync(string clientId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM \"OpenIddictApplications\" WHERE \"ClientId\" = @s", connection);
        command.Parameters.AddWithValue("s", clientId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Counts every OpenIddict application row.</summary>
    public async Task<long> CountAllApplicationsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM \"OpenIddictApplications\"", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> CountUsedTokensAsync(string issuer)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM \"DcrUsedRequestTokens\" WHERE \"Issuer\" = @s", connection);
        command.Parameters.AddWithValue("s", issuer);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Jwks.DisposeAsync();
        foreach (var tpp in _tpps)
        {
            tpp.Dispose();
        }

        Directory.Dispose();
        Pki.Dispose();
    }
}
