// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.OpenIddict.EntityFramework;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IdentityServer.Dcr.Host.Benchmark;

/// <summary>
/// A benchmark switch, off by default: <c>Benchmark:WithoutDcrPlugin=true</c> starts the demo bank with the DCR plug-in
/// left out, as the load run's <c>baseline</c> server (docs/benchmarks.md, "Load run"), to measure what the plug-in
/// costs per token. It exists for that comparison only; a bank never sets it.
/// </summary>
/// <remarks>
/// Everything else stays as in the normal host: OpenIddict's server with the same issuer, signing credentials and token
/// storage (but no certificate-bound access tokens, see <see cref="AddServices"/>); the engine's options (the TLS layer's client-certificate policy,
/// health checks) and the DCR store; OpenIddict's tables in the same PostgreSQL database, through the same EF Core
/// context. There is no registration endpoint: the load run writes each client as an OpenIddict application
/// (confidential, <c>private_key_jwt</c> with the TPP's public key in its JSON Web Key Set), and OpenIddict's own
/// handlers authenticate it; a small handler issues the <c>client_credentials</c> access token with the same claims as
/// the plug-in's (subject and <c>client_id</c> the client, the requested scopes).
/// </remarks>
internal static class WithoutDcrPlugin
{
    /// <summary>The switch.</summary>
    public const string Setting = "Benchmark:WithoutDcrPlugin";

    public static bool IsOn(IConfiguration configuration) => configuration.GetValue<bool>(Setting);

    /// <summary>OpenIddict's core on the plug-in's context type (same tables and migrations), and the server's client credentials grant.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        if (!string.Equals(configuration["Store:Provider"], "PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{Setting} is for the load run, on PostgreSQL: set Store:Provider=PostgreSql.");
        }

        // Options built once, as the plug-in does (DcrOpenIddictDbContextOptionsFactory).
        var connectionString = configuration.GetConnectionString("Dcr") ?? throw new InvalidOperationException("Set ConnectionStrings:Dcr.");
        var options = new DbContextOptionsBuilder<PostgreSqlDcrOpenIddictDbContext>()
            .UseNpgsql(connectionString, o => o.MigrationsHistoryTable(DcrOpenIddictDbContext.MigrationsHistoryTable))
            .Options;
        services.AddScoped<DcrOpenIddictDbContext>(_ => new PostgreSqlDcrOpenIddictDbContext(options));
        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<DcrOpenIddictDbContext>())
            .AddServer(server =>
            {
                server.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler => handler
                    .UseInlineHandler(HandleClientCredentials)
                    .SetOrder(int.MinValue + 100_000)
                    .SetType(OpenIddictServerHandlerType.Custom));

                // The connection stays mutual TLS (the TLS layer asks for and checks the TPP's certificate as in the
                // normal host), but OpenIddict is not given it: without the plug-in, OpenIddict refuses a token request
                // that carries a certificate its own mTLS rules do not cover (ID2205), see the options below.
                server.RemoveEventHandler(
                    OpenIddictServerAspNetCoreHandlers.ExtractClientCertificate<OpenIddictServerEvents.ExtractTokenRequestContext>.Descriptor);
            });

        // The scopes and certificate binding the plug-in sets from the engine's options.
        services.AddOptions<OpenIddictServerOptions>().PostConfigure<IOptionsMonitor<DcrOptions>>((server, dcr) =>
        {
            var registration = dcr.CurrentValue.Registration;
            foreach (var scope in registration.ScopesForAllRoles.Concat(registration.RoleScopes.Values.SelectMany(s => s)))
            {
                server.Scopes.Add(scope);
            }

            // No certificate-bound access tokens: OpenIddict's own check of a client certificate wants it tied to the
            // application's redirect URI host names (or self-signed and listed in its keys), which OBIE transport
            // certificates are not; the plug-in replaces that check with the engine's. So the baseline's tokens carry
            // no cnf claim, and the binding's cost (the chain check, the thumbprint) counts against the plug-in.
        });
    }

    /// <summary>Applies the migrations of OpenIddict's tables (the plug-in's, on the DCR database).</summary>
    public static async Task MigrateAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DcrOpenIddictDbContext>().Database.MigrateAsync();
    }

    /// <summary>The access token of a <c>client_credentials</c> request, as the plug-in's <c>HandleDcrClientCredentialsGrant</c> makes it.</summary>
    private static ValueTask HandleClientCredentials(OpenIddictServerEvents.HandleTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType() || context.Request.ClientId is not { Length: > 0 } clientId)
        {
            return ValueTask.CompletedTask;
        }

        var identity = new ClaimsIdentity(authenticationType: "IdentityServer.Dcr.Benchmark", Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        identity.SetClaim(Claims.ClientId, clientId);
        identity.SetScopes(context.Request.GetScopes());
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
        return ValueTask.CompletedTask;
    }
}
