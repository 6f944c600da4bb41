// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Immutable;
using IdentityServer.Dcr.Discovery;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Discovery;

/// <summary>
/// Merges the engine's <see cref="IDcrDiscoveryMetadataProvider"/> values into OpenIddict's discovery document, after
/// OpenIddict's own: <c>registration_endpoint</c> and every value the engine enforces (authentication methods and
/// algorithms, grant and response types, scopes, <c>tls_client_certificate_bound_access_tokens</c>) replace what
/// OpenIddict derived from its own options, so the document says what registration accepts.
/// </summary>
public sealed class AttachDcrDiscoveryMetadata : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    private readonly IDcrDiscoveryMetadataProvider _provider;
    private readonly DcrOpenIddictOptions _options;

    /// <summary>Creates the handler.</summary>
    /// <param name="provider">The engine's metadata.</param>
    /// <param name="options">The plug-in options (registration path).</param>
    public AttachDcrDiscoveryMetadata(IDcrDiscoveryMetadataProvider provider, Microsoft.Extensions.Options.IOptions<DcrOpenIddictOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _provider = provider;
        _options = options.Value;
    }

    /// <summary>The descriptor: after OpenIddict's additional metadata.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<AttachDcrDiscoveryMetadata>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachAdditionalMetadata.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var issuer = context.Issuer ?? context.BaseUri;
        if (issuer is null)
        {
            return ValueTask.CompletedTask;
        }

        var baseUri = issuer.AbsoluteUri.EndsWith('/') ? issuer : new Uri(issuer.AbsoluteUri + "/");
        var endpoint = new Uri(baseUri, _options.RegistrationPath.TrimStart('/'));
        foreach (var (name, value) in _provider.GetMetadata(endpoint))
        {
            context.Metadata[name] = value switch
            {
                string text => new OpenIddictParameter(text),
                bool flag => new OpenIddictParameter(flag),
                IEnumerable<string> values => new OpenIddictParameter(values.ToImmutableArray<string?>()),
                _ => new OpenIddictParameter(value.ToString()),
            };
        }

        return ValueTask.CompletedTask;
    }
}
