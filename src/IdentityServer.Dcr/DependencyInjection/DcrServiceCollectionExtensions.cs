// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.ClientAuthentication;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Discovery;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.RequestParsing;
using IdentityServer.Dcr.ResponseGeneration;
using IdentityServer.Dcr.TrustAnchors;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the OBIE Dynamic Client Registration engine.</summary>
public static class DcrServiceCollectionExtensions
{
    /// <summary>Adds the engine with options from code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddDcr(this IServiceCollection services, Action<DcrOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddDcr();
        services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the engine with options bound from a configuration section (conventionally <c>Dcr</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddDcr(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddDcr();
        services.Configure<DcrOptions>(configuration);
        return builder;
    }

    /// <summary>
    /// Adds the engine: every pipeline stage's default (registered with <c>TryAdd</c>, so registrations made before
    /// win), options validation at start-up, the JWKS HTTP clients, and <see cref="TimeProvider.System"/>.
    /// A store must be added: <c>AddDcrPostgreSqlStore</c>, <c>AddDcrSqliteStore</c> or <see cref="DcrBuilderExtensions.AddInMemoryClientStore"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddDcr(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DcrOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<DcrOptions>, DcrOptionsPostConfigure>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DcrOptions>, DcrOptionsValidator>());
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);

        JwksHttpClientRegistration.AddJwksHttpClients(services);
        services.TryAddSingleton<IJwksResolver, JwksResolver>();
        services.TryAddSingleton<ITrustAnchorKeyResolver, TrustAnchorKeyResolver>();

        services.TryAddSingleton<DcrEvents>();
        services.TryAddTransient<IRegistrationRequestReader, RegistrationRequestReader>();
        services.TryAddSingleton<ITransportCertificateValidator, TransportCertificateValidator>();
        services.TryAddTransient<ISoftwareStatementValidator, SoftwareStatementValidator>();
        services.TryAddTransient<IRequestObjectValidator, RequestObjectValidator>();
        services.TryAddTransient<IClientMetadataValidator, ClientMetadataValidator>();
        services.TryAddSingleton<IClientSecretHasher, ClientSecretHasher>();
        services.TryAddTransient<IClientAuthenticator, ClientAuthenticator>();
        services.TryAddTransient<IAuthorizationRequestValidator, AuthorizationRequestValidator>();
        services.TryAddTransient<IRegistrationProcessor, RegistrationProcessor>();
        services.TryAddTransient<IRegistrationResponseGenerator, RegistrationResponseGenerator>();
        services.TryAddTransient<IRegistrationValidator, RegistrationValidator>();
        services.TryAddTransient<IRegistrationService, RegistrationService>();
        services.TryAddTransient<RegistrationRefusals>();
        services.TryAddSingleton<IDcrDiscoveryMetadataProvider, DcrDiscoveryMetadataProvider>();
        return new DcrBuilder(services);
    }

    private sealed class DcrBuilder(IServiceCollection services) : IDcrBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
