// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>The client metadata fields whose unsupported values the bank may reject or substitute.</summary>
public enum MetadataField
{
    /// <summary><c>token_endpoint_auth_method</c>.</summary>
    TokenEndpointAuthMethod,

    /// <summary><c>token_endpoint_auth_signing_alg</c>.</summary>
    TokenEndpointAuthSigningAlg,

    /// <summary><c>grant_types</c>: substitution keeps the supported subset.</summary>
    GrantTypes,

    /// <summary><c>response_types</c>: substitution keeps the supported subset.</summary>
    ResponseTypes,

    /// <summary><c>scope</c>: substitution keeps the permitted subset.</summary>
    Scope,

    /// <summary><c>application_type</c>.</summary>
    ApplicationType,

    /// <summary><c>id_token_signed_response_alg</c>.</summary>
    IdTokenSignedResponseAlg,

    /// <summary><c>request_object_signing_alg</c>.</summary>
    RequestObjectSigningAlg,

    /// <summary><c>redirect_uris</c>: substitution keeps the valid subset that the SSA lists.</summary>
    RedirectUris,
}
