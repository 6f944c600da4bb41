// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Wires <see cref="ForwardedCertificateMiddleware"/>: a trusted proxy's forwarded certificate as the connection's.</summary>
public static class DcrForwardedCertificateExtensions
{
    /// <summary>
    /// Adds <see cref="ForwardedCertificateMiddleware"/> at the very start of the pipeline (a startup filter), so that
    /// every later component (authentication, OpenIddict, Duende, the DCR endpoints) sees the forwarded certificate.
    /// A no-op for requests that do not come from <c>Dcr:Transport:TrustedProxies</c> or when
    /// <c>Dcr:Transport:ForwardedCertificateHeader</c> is not set. Called by the OpenIddict and Duende plug-ins.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddDcrForwardedCertificates(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IClientCertificateAccessor, ClientCertificateAccessor>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, ForwardedCertificateStartupFilter>());
        return services;
    }

    /// <summary>Adds <see cref="ForwardedCertificateMiddleware"/> here (for hosts that place middleware by hand); running it twice has no effect.</summary>
    /// <param name="app">The application.</param>
    /// <returns><paramref name="app"/>.</returns>
    public static IApplicationBuilder UseDcrForwardedCertificates(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<ForwardedCertificateMiddleware>();
    }

    private sealed class ForwardedCertificateStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseDcrForwardedCertificates();
            next(app);
        };
    }
}
