// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Host.Development;
using IdentityServer.Dcr.Host.Duende;
using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Testing.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The Duende demo host (host/IdentityServer.Dcr.Host.Duende), built the way its Program.cs builds it, in the
/// Development environment with its own appsettings, on the lifecycle environment's PostgreSQL database, over TLS on
/// 127.0.0.1 and a free port (also its issuer). Besides its sandbox directory it trusts the lifecycle environment's
/// directory and transport CA, whose TPPs register here; its content root (App_Data) is a temporary directory.
/// </summary>
internal sealed class InProcessDuendeDemoHost : IJourneyBank
{
    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private InProcessDuendeDemoHost(WebApplication app, string contentRoot, string url)
    {
        _app = app;
        _contentRoot = contentRoot;
        Url = url;
    }

    public string Url { get; }

    public IServiceProvider Services => _app.Services;

    public X509Certificate2 ServerCertificate => _app.Services.GetRequiredService<SandboxPki>().ServerCertificate;

    /// <summary>
    /// Starts the host; <paramref name="overrides"/> override its configuration, <paramref name="environmentName"/>
    /// replaces Development. When the host refuses to start, the exception is thrown and nothing is left running.
    /// </summary>
    public static async Task<InProcessDuendeDemoHost> StartAsync(LifecycleEnvironment environment, IReadOnlyDictionary<string, string?>? overrides = null, string? environmentName = null)
    {
        var contentRoot = Path.Combine(Path.GetTempPath(), "dcr-duende-journey-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(contentRoot);
        var url = $"https://127.0.0.1:{LoopbackPort.Free()}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environmentName ?? Environments.Development,
            ContentRootPath = contentRoot,
            ApplicationName = typeof(HostingExtensions).Assembly.GetName().Name,
        });
        var settings = Path.Combine(AppContext.BaseDirectory, "DuendeDemoHost");
        builder.Configuration
            .AddJsonFile(Path.Combine(settings, "appsettings.json"), optional: false)
            .AddJsonFile(Path.Combine(settings, "appsettings.Development.json"), optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:IdentityServer"] = environment.HostConnectionString,
                ["Dcr:Issuer"] = url,
            })
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.ConfigureServices();

        // The lifecycle environment's directory (in place of the configured one of the same name), transport CA (no CRL
        // published) and JWKS server.
        builder.Services.PostConfigure<DcrOptions>(options =>
        {
            foreach (var anchor in options.SoftwareStatement.TrustAnchors.Where(a => a.Issuer == environment.Directory.Issuer).ToList())
            {
                options.SoftwareStatement.TrustAnchors.Remove(anchor);
            }

            options.SoftwareStatement.TrustAnchors.Add(new TrustAnchorOptions { Issuer = environment.Directory.Issuer, JwksUri = environment.DirectoryJwksUri });
            options.Transport.TrustedRoots.Add(environment.Pki.RootCertificate);
            options.Transport.RevocationMode = X509RevocationMode.NoCheck;
        });
        builder.Services.Configure<JwksHttpHandlerOptions>(handler => handler.ConfigureHandler.Add(h =>
            h.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => environment.Pki.IsIssuedHere(certificate as X509Certificate2)));

        var app = builder.Build();
        try
        {
            await app.InitialiseAsync();
            app.ConfigurePipeline();
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            TryDelete(contentRoot);
            throw;
        }

        return new InProcessDuendeDemoHost(app, contentRoot, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        TryDelete(_contentRoot);
    }

    private static void TryDelete(string contentRoot)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(contentRoot, recursive: true);
        }
        catch (IOException)
        {
            // A file still open: leave it to the OS.
        }
    }
}
