// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Discovery;

/// <summary>The default <see cref="IDcrDiscoveryMetadataProvider"/>.</summary>
public class DcrDiscoveryMetadataProvider : IDcrDiscoveryMetadataProvider
{
    /// <summary>Creates the provider.</summary>
    /// <param name="options">The engine options.</param>
    public DcrDiscoveryMetadataProvider(IOptionsMonitor<DcrOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <inheritdoc />
    public virtual IReadOnlyDictionary<string, object> GetMetadata(Uri registrationEndpoint)
    {
        ArgumentNullException.ThrowIfNull(registrationEndpoint);
        var options = Options.CurrentValue;
        var registration = options.Registration;
        var scopes = registration.ScopesForAllRoles
            .Concat(registration.RoleScopes.Values.SelectMany(s => s))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["registration_endpoint"] = registrationEndpoint.AbsoluteUri,
            ["token_endpoint_auth_methods_supported"] = registration.TokenEndpointAuthMethods.ToArray(),
            ["token_endpoint_auth_signing_alg_values_supported"] = registration.TokenEndpointAuthSigningAlgorithms.ToArray(),
            ["grant_types_supported"] = registration.GrantTypes.ToArray(),
            ["response_types_supported"] = registration.ResponseTypes.ToArray(),
            ["scopes_supported"] = scopes,
            ["id_token_signing_alg_values_supported"] = registration.IdTokenSigningAlgorithms.ToArray(),
            ["request_object_signing_alg_values_supported"] = registration.RequestObjectSigningAlgorithms.ToArray(),
            ["tls_client_certificate_bound_access_tokens"] = registration.CertificateBoundAccessTokens,
            ["acr_values_supported"] = options.Authorization.AcrValues.ToArray(),
        };

        if (registration.GrantTypes.Contains(DcrSpecProfile.CibaGrantType))
        {
            metadata["backchannel_token_delivery_modes_supported"] = registration.BackchannelTokenDeliveryModes.ToArray();
            metadata["backchannel_authentication_request_signing_alg_values_supported"] =
                registration.BackchannelAuthenticationRequestSigningAlgorithms.ToArray();
            metadata["backchannel_user_code_parameter_supported"] = false;
        }

        return metadata;
    }
}
