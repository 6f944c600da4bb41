// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.AspNetCore.Faults;
using IdentityServer.Dcr.AspNetCore.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>
/// Wires the middlewares every host of the DCR endpoints needs in front of everything else:
/// <see cref="InfrastructureFaultMiddleware"/> (a dependency outage is a 503, on every endpoint, the token endpoints of
/// OpenIddict and Duende included), <see cref="MalformedRequestMiddleware"/> (a form or body the framework cannot read
/// is a 400 or 413 <c>invalid_request</c>, not a 500) and <see cref="ForwardedCertificateMiddleware"/> (a trusted
/// proxy's forwarded certificate as the connection's); and, for Development, the same answers under the developer
/// exception page.
/// </summary>
public static class DcrPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="InfrastructureFaultMiddleware"/>, <see cref="MalformedRequestMiddleware"/> and
    /// <see cref="ForwardedCertificateMiddleware"/> at the very start of the pipeline (a startup filter), so that every
    /// later component (authentication, OpenIddict, Duende, the DCR endpoints) is covered; the developer exception page,
    /// which <c>WebApplication</c> places inside them in Development, gets a filter that gives the same two answers. The forwarding is a no-op for requests that do not come from
    /// <c>Dcr:Transport:TrustedProxies</c> or when <c>Dcr:Transport:ForwardedCertificateHeader</c> is not set. Called by
    /// the OpenIddict and Duende plug-ins; a host with <c>MapDcr</c> only calls it itself.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddDcrPipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IClientCertificateAccessor, ClientCertificateAccessor>();
        services.TryAddScoped<RegistrationAdministration>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, DcrPipelineStartupFilter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeveloperPageExceptionFilter, DcrDeveloperPageExceptionFilter>());
        return services;
    }

    /// <summary>Adds <see cref="InfrastructureFaultMiddleware"/> here (for hosts that place middleware by hand).</summary>
    /// <param name="app">The application.</param>
    /// <returns><paramref name="app"/>.</returns>
    public static IApplicationBuilder UseDcrInfrastructureFaults(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<InfrastructureFaultMiddleware>();
    }

    /// <summary>Adds <see cref="MalformedRequestMiddleware"/> here (for hosts that place middleware by hand).</summary>
    /// <param name="app">The application.</param>
    /// <returns><paramref name="app"/>.</returns>
    public static IApplicationBuilder UseDcrMalformedRequests(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<MalformedRequestMiddleware>();
    }

    /// <summary>
    /// Adds <see cref="ForwardedCertificateMiddleware"/> here (for hosts that place middleware by hand); running it
    /// twice has no effect.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns><paramref name="app"/>.</returns>
    public static IApplicationBuilder UseDcrForwardedCertificates(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<ForwardedCertificateMiddleware>();
    }

    private sealed class DcrPipelineStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseDcrInfrastructureFaults();
            app.UseDcrMalformedRequests();
            app.UseDcrForwardedCertificates();
            next(app);
        };
    }
}
