// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.IntegrationTests.Infrastructure;

/// <summary>
/// The registration endpoint on a real Kestrel server over HTTPS on 127.0.0.1, asking for client certificates
/// (mutual TLS), with the EF Core store on a real database.
/// </summary>
public sealed class DcrTestHost : IAsyncDisposable
{
    private WebApplication? _app;

    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public Action<DcrOptions>? ConfigureOptions { get; set; }

    /// <summary>Runs after migrations and before the DCR endpoints are mapped (plug-in migrations, middleware, endpoints).</summary>
    public Func<WebApplication, Task>? ConfigureApp { get; set; }

    /// <summary>The port to listen on; 0 for any free one.</summary>
    public int Port { get; init; }

    public required X509Certificate2 ServerCertificate { get; init; }

    /// <summary>Whether to apply the store's migrations at start (off for a store that is meant to be unreachable).</summary>
    public bool Migrate { get; init; } = true;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public Uri RegistrationEndpoint => new(BaseAddress, "/register");

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("DCR_TEST_LOG") == "1")
        {
            builder.Logging.AddConsole();
        }
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port, l => l.UseHttps(https =>
        {
            https.ServerCertificate = ServerCertificate;
            https.UseDcrTransportCertificates(l.ApplicationServices);
        })));
        builder.Services.AddDcr(options => ConfigureOptions?.Invoke(options));
        ConfigureServices?.Invoke(builder.Services);
        _app = builder.Build();
        if (Migrate)
        {
            await _app.Services.MigrateDcrDatabaseAsync();
        }
        if (ConfigureApp is not null)
        {
            await ConfigureApp(_app);
        }

        _app.MapDcr("/register");
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    /// <summary>An HTTP client presenting <paramref name="clientCertificate"/> (or none) and trusting the test CA.</summary>
    public static HttpClient CreateClient(Func<X509Certificate2?, bool> trustServer, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => trustServer(certificate as X509Certificate2),
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
