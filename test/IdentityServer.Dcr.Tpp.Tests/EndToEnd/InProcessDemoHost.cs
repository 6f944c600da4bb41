// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Host;
using IdentityServer.Dcr.Testing.Lifecycle;
using IdentityServer.Dcr.Tpp.Tests.TestDoubles;
using Microsoft.AspNetCore.Builder;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The demo host (host/IdentityServer.Dcr.Host), built the way its Program.cs builds it, in the Development
/// environment with its own appsettings, listening with Kestrel over TLS on 127.0.0.1 and a free port, which is also
/// its issuer (so discovery names reachable endpoints), and on plain HTTP for the sandbox CA's CRL (checked online, as
/// in the shipped Development profile); its content root (App_Data: the sandbox PKI, the token
/// credentials and the SQLite database) is a temporary directory.
/// </summary>
public sealed class InProcessDemoHost : IAsyncDisposable
{
    private readonly DemoHost _host;

    private InProcessDemoHost(DemoHost host) => _host = host;

    /// <summary>The base URL, such as <c>https://127.0.0.1:41234</c>.</summary>
    public string Url => _host.Url;

    /// <summary>The host's services (for example the sandbox's intent store, as the authorization journey resolves it).</summary>
    public IServiceProvider Services => _host.Services;

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
        => new(await DemoHost.StartAsync(new DemoHostOptions
        {
            HostAssembly = typeof(HostingExtensions).Assembly,
            SettingsFolder = "DemoHost",
            ContentRoot = sharedContentRoot?.Path,
            EnvironmentName = environmentName,
            Overrides = overrides,
            PlainHttpListener = true,
            Settings = (address, contentRoot) => new Dictionary<string, string?>
            {
                ["ConnectionStrings:Dcr"] = $"Data Source={Path.Combine(contentRoot, "App_Data", "dcr.db")}",
                ["Dcr:Issuer"] = address.BaseAddress.AbsoluteUri.TrimEnd('/'),
                ["Sandbox:CrlUrl"] = new Uri(address.PlainHttp!, "sandbox/transport-ca.crl").AbsoluteUri,
                ["Sandbox:CrlValidity"] = CrlValidity.ToString(),
                ["Dcr:Transport:RevocationCacheDuration"] = "00:00:00",
            },
            ConfigureServices = builder =>
            {
                builder.ConfigureServices();
                configure?.Invoke(builder);
            },
            ConfigureApp = async app =>
            {
                await app.InitialiseAsync();
                app.ConfigurePipeline();
            },
        }));

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
