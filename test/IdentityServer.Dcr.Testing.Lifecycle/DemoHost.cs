// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// A demo host (host/IdentityServer.Dcr.Host or host/IdentityServer.Dcr.Host.Duende) in-process on a <see cref="TestHost"/>,
/// built the way its Program.cs builds it, in the Development environment with its own appsettings (copied next to the
/// tests), over TLS on 127.0.0.1 and a free port (also its issuer, so that discovery names reachable endpoints); its
/// content root (App_Data) is a temporary directory unless one is shared. When the host refuses to start, the exception
/// is thrown and nothing is left running.
/// </summary>
public sealed class DemoHost : IAsyncDisposable
{
    private readonly TestHost _host;
    private readonly string? _ownedContentRoot;

    private DemoHost(TestHost host, string? ownedContentRoot)
    {
        _host = host;
        _ownedContentRoot = ownedContentRoot;
    }

    /// <summary>The base URL, such as <c>https://127.0.0.1:41234</c>.</summary>
    public string Url => _host.BaseAddress.AbsoluteUri.TrimEnd('/');

    /// <summary>Where the host listens.</summary>
    public TestHostAddress Address => _host.Address;

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a demo host.</summary>
    /// <param name="options">Which host, and what this test changes.</param>
    /// <returns>The started host.</returns>
    public static async Task<DemoHost> StartAsync(DemoHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var contentRoot = options.ContentRoot ?? Path.Combine(Path.GetTempPath(), "dcr-demo-host-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(contentRoot);
        try
        {
            var host = await TestHost.StartAsync(new TestHostOptions
            {
                Application = new WebApplicationOptions
                {
                    EnvironmentName = options.EnvironmentName ?? Environments.Development,
                    ContentRootPath = contentRoot,
                    ApplicationName = options.HostAssembly.GetName().Name,
                },
                PlainHttpListener = options.PlainHttpListener,
                Configure = (builder, address) =>
                {
                    var settings = Path.Combine(AppContext.BaseDirectory, options.SettingsFolder);
                    builder.Configuration
                        .AddJsonFile(Path.Combine(settings, "appsettings.json"), optional: false)
                        .AddJsonFile(Path.Combine(settings, "appsettings.Development.json"), optional: false)
                        .AddInMemoryCollection(options.Settings(address, contentRoot))
                        .AddInMemoryCollection(options.Overrides ?? new Dictionary<string, string?>());
                    options.ConfigureServices(builder);
                },
                ConfigureApp = options.ConfigureApp,
            });
            return new DemoHost(host, options.ContentRoot is null ? contentRoot : null);
        }
        catch
        {
            DeleteContentRoot(options.ContentRoot is null ? contentRoot : null);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        DeleteContentRoot(_ownedContentRoot);
    }

    private static void DeleteContentRoot(string? contentRoot)
    {
        SqliteConnection.ClearAllPools();
        if (contentRoot is null)
        {
            return;
        }

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

/// <summary>Which demo host a <see cref="DemoHost"/> runs, and what a test changes in it.</summary>
public sealed class DemoHostOptions
{
    /// <summary>The host's assembly (its application name, as its Program.cs has it).</summary>
    public required System.Reflection.Assembly HostAssembly { get; init; }

    /// <summary>The folder, next to the tests, of the host's appsettings.json and appsettings.Development.json.</summary>
    public required string SettingsFolder { get; init; }

    /// <summary>The settings the test environment needs, from the host's addresses and content root (issuer, connection strings).</summary>
    public required Func<TestHostAddress, string, IReadOnlyDictionary<string, string?>> Settings { get; init; }

    /// <summary>The host's Program.cs: its services (and what a test adds, as a bank adds its own).</summary>
    public required Action<WebApplicationBuilder> ConfigureServices { get; init; }

    /// <summary>The host's Program.cs: after build, before start (initialisation, pipeline).</summary>
    public required Func<WebApplication, Task> ConfigureApp { get; init; }

    /// <summary>A content root to use and keep (several hosts in turn); by default a temporary one, deleted.</summary>
    public string? ContentRoot { get; init; }

    /// <summary>Replaces Development.</summary>
    public string? EnvironmentName { get; init; }

    /// <summary>Override the configuration (after <see cref="Settings"/>).</summary>
    public IReadOnlyDictionary<string, string?>? Overrides { get; init; }

    /// <summary>Also listen on plain HTTP (a CRL distribution point).</summary>
    public bool PlainHttpListener { get; init; }
}
