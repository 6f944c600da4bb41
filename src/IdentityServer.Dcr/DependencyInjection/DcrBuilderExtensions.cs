// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.ResponseGeneration;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.TrustAnchors;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Replaces the engine's default stages and stores.</summary>
public static class DcrBuilderExtensions
{
    /// <summary>Replaces the software statement validator.</summary>
    /// <typeparam name="T">The validator type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddSoftwareStatementValidator<T>(this IDcrBuilder builder)
        where T : class, ISoftwareStatementValidator
        => builder.Replace<ISoftwareStatementValidator, T>(ServiceLifetime.Transient);

    /// <summary>Replaces the request object validator.</summary>
    /// <typeparam name="T">The validator type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddRequestObjectValidator<T>(this IDcrBuilder builder)
        where T : class, IRequestObjectValidator
        => builder.Replace<IRequestObjectValidator, T>(ServiceLifetime.Transient);

    /// <summary>
    /// Replaces the transport certificate validator, as a singleton like the default: it keeps the chain and revocation
    /// verdicts of <see cref="TransportCertificateValidator"/> across requests (a transient one would check every
    /// certificate from scratch, every request). <typeparamref name="T"/> must not depend on scoped services.
    /// </summary>
    /// <typeparam name="T">The validator type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddTransportCertificateValidator<T>(this IDcrBuilder builder)
        where T : class, ITransportCertificateValidator
        => builder.Replace<ITransportCertificateValidator, T>(ServiceLifetime.Singleton);

    /// <summary>Replaces the client metadata validator.</summary>
    /// <typeparam name="T">The validator type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddClientMetadataValidator<T>(this IDcrBuilder builder)
        where T : class, IClientMetadataValidator
        => builder.Replace<IClientMetadataValidator, T>(ServiceLifetime.Transient);

    /// <summary>Replaces the registration processor.</summary>
    /// <typeparam name="T">The processor type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddRegistrationProcessor<T>(this IDcrBuilder builder)
        where T : class, IRegistrationProcessor
        => builder.Replace<IRegistrationProcessor, T>(ServiceLifetime.Transient);

    /// <summary>Replaces the response generator.</summary>
    /// <typeparam name="T">The generator type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddResponseGenerator<T>(this IDcrBuilder builder)
        where T : class, IRegistrationResponseGenerator
        => builder.Replace<IRegistrationResponseGenerator, T>(ServiceLifetime.Transient);

    /// <summary>Replaces the trust anchor key resolver.</summary>
    /// <typeparam name="T">The resolver type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddTrustAnchorKeyResolver<T>(this IDcrBuilder builder)
        where T : class, ITrustAnchorKeyResolver
        => builder.Replace<ITrustAnchorKeyResolver, T>(ServiceLifetime.Singleton);

    /// <summary>Uses <typeparamref name="T"/> as the registration store.</summary>
    /// <typeparam name="T">The store type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddClientStore<T>(this IDcrBuilder builder)
        where T : class, IClientRegistrationStore
        => builder.Replace<IClientRegistrationStore, T>(ServiceLifetime.Scoped);

    /// <summary>Uses a process-local <see cref="InMemoryClientRegistrationStore"/>: for tests and throwaway demos only.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddInMemoryClientStore(this IDcrBuilder builder)
        => builder.Replace<IClientRegistrationStore, InMemoryClientRegistrationStore>(ServiceLifetime.Singleton);

    /// <summary>Uses <typeparamref name="T"/> for the pipeline's events.</summary>
    /// <typeparam name="T">The events type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IDcrBuilder AddEvents<T>(this IDcrBuilder builder)
        where T : DcrEvents
        => builder.Replace<DcrEvents, T>(ServiceLifetime.Singleton);

    private static IDcrBuilder Replace<TService, TImplementation>(this IDcrBuilder builder, ServiceLifetime lifetime)
        where TService : class
        where TImplementation : class, TService
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Describe(typeof(TService), typeof(TImplementation), lifetime));
        return builder;
    }
}
