// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Immutable;
using IdentityServer.Dcr.Discovery;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
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
        RebaseEndpoints(context, baseUri);
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

        // The pushed authorization endpoint authenticates clients as the token endpoint does (RFC 9126 §2), with the
        // plug-in's rules: OpenIddict would list its own methods (client secrets among them), which it then refuses.
        if (context.PushedAuthorizationEndpoint is not null
            && context.Metadata.TryGetValue("token_endpoint_auth_methods_supported", out var methods))
        {
            context.Metadata["pushed_authorization_request_endpoint_auth_methods_supported"] = methods;
        }

        if (context.AuthorizationEndpoint is not null)
        {
            AttachAuthorizationMetadata(context);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Every endpoint under the issuer's origin: OpenIddict builds them from the request's host, so a bank reached by
    /// another name (a load balancer's, an IP address) would publish a <c>token_endpoint</c> that is not the audience
    /// its client assertions are checked against, nor under the <c>issuer</c> a TPP verifies.
    /// </summary>
    private static void RebaseEndpoints(HandleConfigurationRequestContext context, Uri issuerBase)
    {
        var requestBase = context.BaseUri is { } b ? (b.AbsoluteUri.EndsWith('/') ? b : new Uri(b.AbsoluteUri + "/")) : null;
        Uri? Rebase(Uri? endpoint)
        {
            if (endpoint is null || requestBase is null || !endpoint.IsAbsoluteUri
                || !endpoint.AbsoluteUri.StartsWith(requestBase.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
            {
                return endpoint;
            }

            return new Uri(issuerBase, endpoint.AbsoluteUri[requestBase.AbsoluteUri.Length..]);
        }

        context.AuthorizationEndpoint = Rebase(context.AuthorizationEndpoint);
        context.PushedAuthorizationEndpoint = Rebase(context.PushedAuthorizationEndpoint);
        context.TokenEndpoint = Rebase(context.TokenEndpoint);
        context.JsonWebKeySetEndpoint = Rebase(context.JsonWebKeySetEndpoint);
        context.UserInfoEndpoint = Rebase(context.UserInfoEndpoint);
        context.IntrospectionEndpoint = Rebase(context.IntrospectionEndpoint);
        context.RevocationEndpoint = Rebase(context.RevocationEndpoint);
        context.EndSessionEndpoint = Rebase(context.EndSessionEndpoint);
        context.DeviceAuthorizationEndpoint = Rebase(context.DeviceAuthorizationEndpoint);
    }

    /// <summary>
    /// What the authorization journey of registered clients serves and enforces (<c>ApplyDcrRequestObject</c> and the
    /// engine's <c>IAuthorizationRequestValidator</c>): request objects by value (and pushed), never by reference to a
    /// client URL; the hybrid response in the fragment, <c>code</c> in the query; PKCE with <c>S256</c> only; the
    /// <c>claims</c> parameter for <c>openbanking_intent_id</c> and <c>acr</c>.
    /// </summary>
    private static void AttachAuthorizationMetadata(HandleConfigurationRequestContext context)
    {
        context.ResponseModes.Clear();
        context.ResponseModes.Add(ResponseModes.Fragment);
        context.ResponseModes.Add(ResponseModes.Query);
        context.CodeChallengeMethods.Clear();
        context.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
        foreach (
            var claim in new[]
            {
                Claims.Subject,
                Claims.Issuer,
                Claims.Audience,
                Claims.ExpiresAt,
                Claims.IssuedAt,
                Claims.Nonce,
                Claims.AuthenticationContextReference,
                DcrOpenIddictConstants.IntentIdParameter,
            })
        {
            context.Claims.Add(claim);
        }

        context.Metadata["request_parameter_supported"] = true;
        context.Metadata["request_uri_parameter_supported"] = false;
        context.Metadata["claims_parameter_supported"] = true;
    }
}
