// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The demo host (host/IdentityServer.Dcr.Host), built the way its Program.cs builds it, in the Development
/// environment with its own appsettings, listening with Kestrel over TLS on 127.0.0.1 and a free port, which is also
/// its issuer (so discovery names reachable endpoints), and on plain HTTP for the sandbox CA's CRL (checked online, as
/// in the shipped Development profile); its content root (App_Data: the sandbox PKI, the token
/// credentials and the SQLite database) is a temporary directory.
/// </summary>
internal sealed class InProcessDemoHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory? _ownedContentRoot;

    private InProcessDemoHost(WebApplication app, TempDirectory? ownedContentRoot, string url)
    {
        _app = app;
        _ownedContentRoot = ownedContentRoot;
        Url = url;
    }

    /// <summary>The base URL, such as <c>https://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    /// <summary>The host's services (for example the sandbox's intent store, as the authorization journey resolves it).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>An audience the demo configuration accepts (appsettings.json, Dcr:RequestObject:AcceptedAudiences).</summary>
    public static string AcceptedAudience => "https://localhost:5443";

    /// <summary>The sandbox CA's CRL validity here: short, so that a revocation is seen within a test.</summary>
    public static readonly TimeSpan CrlValidity = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Starts the host; on <paramref name="sharedContentRoot"/> (kept after the host stops), or on a temporary one of its
    /// own; <paramref name="overrides"/> override the demo configuration, <paramref name="configure"/> adds to the host's
    /// services (as a bank adds its own), <paramref name="environmentName"/> replaces Development. When the host refuses to
    /// start, the exception is thrown and nothing is left running.
    /// </summary>
    public static async Task<InProcessDemoHost> StartAsync(
        TempDirectory? sharedContentRoot = null,
        IReadOnlyDictionary<string, string?>? overrides = null,
        Action<WebApplicationBuilder>? configure = null,
        string? environmentName = null)
    {
        var contentRoot = sharedContentRoot ?? new TempDirectory();
        var url = $"https://127.0.0.1:{LoopbackPort.Free()}";
        var crlListener = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environmentName ?? Environments.Development,
            ContentRootPath = contentRoot.Path,
            ApplicationName = typeof(HostingExtensions).Assembly.GetName().Name,
        });
        var settings = Path.Combine(AppContext.BaseDirectory, "DemoHost");
        builder.Configuration
            .AddJsonFile(Path.Combine(settings, "appsettings.json"), optional: false)
            .AddJsonFile(Path.Combine(settings, "appsettings.Development.json"), optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Dcr"] = $"Data Source={Path.Combine(contentRoot.Path, "App_Data", "dcr.db")}",
                ["Dcr:Issuer"] = url,
                ["Sandbox:CrlUrl"] = crlListener + "/sandbox/transport-ca.crl",
                ["Sandbox:CrlValidity"] = CrlValidity.ToString(),
                ["Dcr:Transport:RevocationCacheDuration"] = "00:00:00",
            })
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url, crlListener);
        builder.ConfigureServices();
        configure?.Invoke(builder);

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
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (sharedContentRoot is null)
            {
                contentRoot.Dispose();
            }

            throw;
        }

        return new InProcessDemoHost(app, sharedContentRoot is null ? contentRoot : null, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _ownedContentRoot?.Dispose();
    }
}
