// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.Configuration.Configuration;
using Duende.IdentityServer.Configuration.EntityFramework;
using Duende.IdentityServer.Configuration.RequestProcessing;
using Duende.IdentityServer.Configuration.ResponseGeneration;
using Duende.IdentityServer.Configuration.Validation.DynamicClientRegistration;
using Duende.IdentityServer.Endpoints.Results;
using Duende.IdentityServer.EntityFramework.Options;
using Duende.IdentityServer.Hosting;
using Duende.IdentityServer.ResponseHandling;
using Duende.IdentityServer.Services;
using Duende.IdentityServer.Stores;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Authorization;
using IdentityServer.Dcr.Duende.ClientAuthentication;
using IdentityServer.Dcr.Duende.Discovery;
using IdentityServer.Dcr.Duende.Management;
using IdentityServer.Dcr.Duende.Registration;
using IdentityServer.Dcr.Duende.RequestProcessing;
using IdentityServer.Dcr.Duende.ResponseGeneration;
using IdentityServer.Dcr.Duende.Stores;
using IdentityServer.Dcr.Duende.Validation;
using IdentityServer.Dcr.EntityFramework;
using IdentityServer.Dcr.Registration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Adds OBIE Dynamic Client Registration to a Duende IdentityServer.</summary>
public static class ObieDcrIdentityServerBuilderExtensions
{
    /// <summary>Adds OBIE DCR with the engine options bound from <paramref name="configuration"/> (conventionally the <c>Dcr</c> section).</summary>
    /// <param name="builder">Duende's builder, after <c>AddConfigurationStore</c> (and, for revocation, <c>AddOperationalStore</c>).</param>
    /// <param name="configuration">The engine options.</param>
    /// <returns>The engine builder, to replace engine stages.</returns>
    public static IDcrBuilder AddObieDynamicClientRegistration(this IIdentityServerBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var dcr = builder.Services.AddDcr(configuration);
        builder.AddObieDynamicClientRegistrationCore();
        return dcr;
    }

    /// <summary>Adds OBIE DCR with the engine options configured in code.</summary>
    /// <param name="builder">Duende's builder, after <c>AddConfigurationStore</c> (and, for revocation, <c>AddOperationalStore</c>).</param>
    /// <param name="configure">Configures the engine options.</param>
    /// <returns>The engine builder, to replace engine stages.</returns>
    public static IDcrBuilder AddObieDynamicClientRegistration(this IIdentityServerBuilder builder, Action<DcrOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var dcr = builder.Services.AddDcr(configure);
        builder.AddObieDynamicClientRegistrationCore();
        return dcr;
    }

    /// <summary>
    /// The services: Duende's DCR pipeline (<c>AddIdentityServerConfiguration</c>) with the OBIE validator, processor
    /// and response generator; the engine's registration store in the database of Duende's configuration store (unless a
    /// DCR store was added before); the management token validator and revoker; and client authentication for
    /// registered TPPs (<c>private_key_jwt</c> with keys from <c>jwks_uri</c>, <c>tls_client_auth</c> by normalised
    /// subject name, the registered method enforced before any secret validator runs); TPP keys from <c>jwks_uri</c> for
    /// request objects; and the engine's registration metadata in Duende's discovery document.
    /// </summary>
    private static void AddObieDynamicClientRegistrationCore(this IIdentityServerBuilder builder)
    {
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(IdentityServerConfigurationOptions)))
        {
            services.AddIdentityServerConfiguration(_ => { });
        }

        services.Replace(ServiceDescriptor.Transient<IDynamicClientRegistrationValidator, ObieDynamicClientRegistrationValidator>());
        services.Replace(ServiceDescriptor.Transient<IDynamicClientRegistrationRequestProcessor, ObieDynamicClientRegistrationRequestProcessor>());
        services.Replace(ServiceDescriptor.Transient<IDynamicClientRegistrationResponseGenerator, ObieDynamicClientRegistrationResponseGenerator>());
        if (!services.Any(d => d.ServiceType == typeof(IClientConfigurationStore)))
        {
            new IdentityServerConfigurationBuilder(services).AddClientConfigurationStore();
        }

        AddRegistrationStore(services);
        ReadClientsOncePerRequest(services);
        services.TryAddSingleton<DuendeClientRegistrationStore>();
        services.TryAddTransient<DuendeRegistrationWriter>();
        services.TryAddTransient<DuendeRegistrationService>();
        services.Replace(ServiceDescriptor.Transient<IRegistrationService>(sp => sp.GetRequiredService<DuendeRegistrationService>()));

        services.AddDcrPipeline();
        services.TryAddTransient<IRegistrationAccessTokenValidator, DuendeRegistrationAccessTokenValidator>();
        services.TryAddTransient<IClientTokenRevoker, DuendeClientTokenRevoker>();

        // Client assertions: Duende's parser, and one validator for every client (JwksUriSecretValidator resolves the
        // keys of DCR clients at their software_jwks_endpoint and hands other clients' to Duende's validator). Duende's
        // validator is not registered on its own, so it does not run (and log an error) for clients it cannot serve.
        builder.AddSecretParser<JwtBearerClientAssertionSecretParser>();
        RemoveSecretValidator<PrivateKeyJwtSecretValidator>(services);
        builder.AddMutualTlsSecretValidators();
        builder.AddSecretValidator<JwksUriSecretValidator>();
        builder.AddSecretValidator<DistinguishedNameSecretValidator>();
        services.TryAddTransient<PrivateKeyJwtSecretValidator>();
        services.TryAddTransient<SecretValidator>();
        services.Replace(ServiceDescriptor.Transient<ISecretsListValidator, ObieSecretsListValidator>());

        ReplaceDuendeDefault<IJwtRequestValidator, JwtRequestValidator, ObieJwtRequestValidator>(services);
        ReplaceDuendeDefault<IDiscoveryResponseGenerator, DiscoveryResponseGenerator, ObieDiscoveryResponseGenerator>(services);
        AddAuthorizationJourney(services);
    }

    /// <summary>
    /// The OBIE authorization journey of registered clients: the engine's rules in front of Duende's authorize and
    /// pushed authorization validation, their errors sent as the journey needs, <c>openbanking_intent_id</c> in the
    /// tokens, and <c>s_hash</c> in the ID token (<see cref="IdentityServerOptions.EmitStateHash"/>).
    /// </summary>
    private static void AddAuthorizationJourney(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        Decorate<IAuthorizeRequestValidator>(services, Decorator<IAuthorizeRequestValidator, ObieAuthorizeRequestValidator>());
        Decorate<IHttpResponseWriter<AuthorizeResult>>(services, Decorator<IHttpResponseWriter<AuthorizeResult>, ObieAuthorizeHttpWriter>());
        ReplaceDuendeDefault<IAuthorizeResponseGenerator, AuthorizeResponseGenerator, ObieAuthorizeResponseGenerator>(services);
        ReplaceDuendeDefault<IClaimsService, DefaultClaimsService, ObieClaimsService>(services);
        services.PostConfigure<IdentityServerOptions>(options => options.EmitStateHash = true);
    }

    /// <summary>
    /// Wraps the current registration of <typeparamref name="TService"/> (Duende's, or the bank's) in a decorator, with
    /// the registration's lifetime unless <paramref name="lifetime"/> says otherwise.
    /// </summary>
    private static void Decorate<TService>(
        IServiceCollection services,
        Func<IServiceProvider, TService, TService> decorate,
        ServiceLifetime? lifetime = null)
        where TService : class
    {
        var current = services.LastOrDefault(d => d.ServiceType == typeof(TService) && !d.IsKeyedService)
            ?? throw new InvalidOperationException(
                $"AddObieDynamicClientRegistration needs Duende's {typeof(TService).Name}: call AddIdentityServer() first.");
        services.Remove(current);
        var inner = Inner(current);
        services.Add(ServiceDescriptor.Describe(
            typeof(TService), sp => decorate(sp, (TService)inner(sp)), lifetime ?? current.Lifetime));
    }

    /// <summary>
    /// Wraps the client store (Duende's EF Core one, or the bank's) so that a request reads each client once
    /// (<see cref="RequestClientStore"/>): a TPP's token request otherwise reads its client three times.
    /// </summary>
    private static void ReadClientsOncePerRequest(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IClientStore) && !d.IsKeyedService))
        {
            Decorate<IClientStore>(services, (_, inner) => new RequestClientStore(inner), ServiceLifetime.Scoped);
        }
    }

    // A decorator type whose constructor takes the wrapped service, bound once like the wrapped one below.
    private static Func<IServiceProvider, TService, TService> Decorator<TService, TDecorator>()
        where TDecorator : TService
    {
        var create = ActivatorUtilities.CreateFactory(typeof(TDecorator), [typeof(TService)]);
        return (services, inner) => (TService)create(services, [inner]);
    }

    // How the wrapped registration makes its service: a type's constructor is bound once (ActivatorUtilities.CreateFactory),
    // not looked up by reflection at every resolution (a scoped service, such as the client store, is made per request).
    private static Func<IServiceProvider, object> Inner(ServiceDescriptor descriptor)
    {
        if (descriptor.ImplementationInstance is { } instance)
        {
            return _ => instance;
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return factory;
        }

        var create = ActivatorUtilities.CreateFactory(descriptor.ImplementationType!, Type.EmptyTypes);
        return services => create(services, null);
    }

    private static void RemoveSecretValidator<T>(IServiceCollection services)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(ISecretValidator) && d.ImplementationType == typeof(T)).ToList())
        {
            services.Remove(descriptor);
        }
    }

    /// <summary>
    /// Replaces Duende's default implementation of <typeparamref name="TService"/> with the OBIE one; a bank that
    /// registered its own keeps it (and derives it from the OBIE class to keep the OBIE behaviour).
    /// </summary>
    private static void ReplaceDuendeDefault<TService, TDuende, TObie>(IServiceCollection services)
        where TService : class
        where TObie : class, TService
    {
        var current = services.LastOrDefault(d => d.ServiceType == typeof(TService));
        if (current is null || current.ImplementationType == typeof(TDuende))
        {
            services.Replace(ServiceDescriptor.Transient<TService, TObie>());
        }
    }

    /// <summary>
    /// Puts the engine's registration tables in the database of Duende's configuration store, which the shared
    /// transaction needs, unless the host added a DCR store itself.
    /// </summary>
    private static void AddRegistrationStore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IDbContextFactory<DcrDbContext>)))
        {
            return;
        }

        var storeOptions = services.LastOrDefault(
            d => d.ServiceType == typeof(ConfigurationStoreOptions))?.ImplementationInstance as ConfigurationStoreOptions
            ?? throw new InvalidOperationException(
                "OBIE DCR on Duende stores registrations beside Duende's clients: call "
                + "AddConfigurationStore(...) before AddObieDynamicClientRegistration, or add the DCR store "
                + "yourself (AddDcrPostgreSqlStore) on the same database.");
        var probe = new DbContextOptionsBuilder();
        storeOptions.ConfigureDbContext?.Invoke(probe);
        var relational = probe.Options.Extensions.OfType<RelationalOptionsExtension>().FirstOrDefault();
        var connectionString = relational?.ConnectionString
            ?? throw new InvalidOperationException(
                "Duende's configuration store has no connection string (ConfigureDbContext); add the DCR store yourself (AddDcrPostgreSqlStore).");
        if (relational.GetType().Name.Contains("Sqlite", StringComparison.Ordinal))
        {
            services.AddDcrSqliteStore(connectionString);
        }
        else
        {
            services.AddDcrPostgreSqlStore(connectionString);
        }
    }
}
