// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Testing.Lifecycle;

public sealed partial class TestEnvironment
{
    /// <summary>
    /// Starts an environment and, on it, the engine's own bank (<see cref="Host"/>): <c>AddDcr</c>, the EF Core store
    /// and <c>MapDcr("/register")</c> on Kestrel over mutual TLS.
    /// </summary>
    /// <param name="configure">Changes the engine options after the environment's.</param>
    /// <param name="connectionString">The PostgreSQL database, if not a fresh one.</param>
    /// <param name="migrate">Whether to apply the store's migrations at start (off for a store meant to be unreachable).</param>
    /// <param name="configureServices">Adds to the bank's services (a plug-in, a test double).</param>
    /// <param name="configureApp">Runs after the migrations and before the DCR endpoints are mapped (plug-in migrations, middleware, endpoints).</param>
    /// <param name="sqliteConnectionString">Runs the bank on this SQLite database instead of PostgreSQL.</param>
    /// <param name="port">The port; 0 for a free one, also known to <paramref name="configureServices"/>.</param>
    /// <returns>The environment, its bank started.</returns>
    public static async Task<TestEnvironment> StartWithEngineAsync(
        Action<DcrOptions>? configure = null,
        string? connectionString = null,
        bool migrate = true,
        Action<IServiceCollection, Uri>? configureServices = null,
        Func<WebApplication, Task>? configureApp = null,
        string? sqliteConnectionString = null,
        int port = 0)
    {
        var environment = await StartAsync(connectionString ?? sqliteConnectionString);
        try
        {
            environment._host = await TestHost.StartAsync(new TestHostOptions
            {
                ServerCertificate = environment.Pki.IssueServerCertificate(),
                Port = port,
                Configure = (builder, address) =>
                {
                    builder.Services.AddDcr(options =>
                    {
                        environment.ConfigureDcr(options);
                        options.Jwks.Timeout = TimeSpan.FromSeconds(2);
                        configure?.Invoke(options);
                    });
                    if (sqliteConnectionString is null)
                    {
                        builder.Services.AddDcrPostgreSqlStore(environment.ConnectionString, o => o.CommandTimeout = TimeSpan.FromSeconds(5));
                    }
                    else
                    {
                        builder.Services.AddDcrSqliteStore(sqliteConnectionString);
                    }

                    environment.TrustTestCa(builder.Services);
                    configureServices?.Invoke(builder.Services, address.BaseAddress);
                },
                ConfigureApp = async app =>
                {
                    if (migrate)
                    {
                        await app.Services.MigrateDcrDatabaseAsync();
                    }

                    if (configureApp is not null)
                    {
                        await configureApp(app);
                    }

                    app.MapDcr("/register");
                },
            });
            return environment;
        }
        catch
        {
            // Nothing half-started is left behind.
            await environment.DisposeAsync();
            throw;
        }
    }
}
