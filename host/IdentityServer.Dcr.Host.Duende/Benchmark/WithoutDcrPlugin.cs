// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.Configuration.EntityFramework;
using Duende.IdentityServer.Validation;

namespace IdentityServer.Dcr.Host.Duende.Benchmark;

/// <summary>
/// A benchmark switch, off by default: <c>Benchmark:WithoutDcrPlugin=true</c> starts the Duende demo bank with the OBIE
/// DCR plug-in left out and Duende's own Dynamic Client Registration in its place (Duende.IdentityServer.Configuration's
/// stock validator, processor and response generator: plain JSON, no software statement) at <see cref="Path"/>, as the
/// load run's <c>duende-plain</c> server (docs/benchmarks.md, "Load run"). It exists for that comparison only: what our
/// OBIE registration and client authentication cost over Duende's own. A bank never sets it.
/// </summary>
/// <remarks>
/// Everything else stays as in the normal host: the same Duende options, signing credentials and EF stores on the same
/// PostgreSQL; the engine's options and store (the TLS layer's client-certificate policy, the migrations, health
/// checks). Registered clients authenticate with Duende's own <c>private_key_jwt</c> (keys from the registered
/// <c>jwks</c>, <see cref="PrivateKeyJwtSecretValidator"/>), with none of the plug-in's validators on the token path.
/// </remarks>
internal static class WithoutDcrPlugin
{
    /// <summary>The switch.</summary>
    public const string Setting = "Benchmark:WithoutDcrPlugin";

    /// <summary>Where Duende's own registration endpoint is mapped (Duende's default path, not the plug-in's <c>/register</c>).</summary>
    public const string Path = "/connect/dcr";

    public static bool IsOn(IConfiguration configuration) => configuration.GetValue<bool>(Setting);

    /// <summary>
    /// The engine's options and store (without the plug-in), Duende's DCR services and its client store, and Duende's own
    /// private_key_jwt.
    /// </summary>
    public static void AddServices(IIdentityServerBuilder identityServer, IConfiguration configuration, string connectionString)
    {
        var services = identityServer.Services;
        services.AddDcr(configuration.GetSection("Dcr"));
        services.AddDcrPostgreSqlStore(connectionString);
        services.AddIdentityServerConfiguration(_ => { }).AddClientConfigurationStore();
        identityServer.AddJwtBearerClientAuthentication();
    }
}
