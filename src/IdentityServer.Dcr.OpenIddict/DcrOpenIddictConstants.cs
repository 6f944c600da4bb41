// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.OpenIddict;

/// <summary>Names the plug-in writes into OpenIddict applications and tokens.</summary>
public static class DcrOpenIddictConstants
{
    /// <summary>Application setting: the registered <c>token_endpoint_auth_method</c>.</summary>
    public const string TokenEndpointAuthMethodSetting = "dcr:token_endpoint_auth_method";

    /// <summary>Application setting: the registered <c>token_endpoint_auth_signing_alg</c>.</summary>
    public const string TokenEndpointAuthSigningAlgSetting = "dcr:token_endpoint_auth_signing_alg";

    /// <summary>Application setting: the registered <c>tls_client_auth_subject_dn</c>.</summary>
    public const string TlsClientAuthSubjectDnSetting = "dcr:tls_client_auth_subject_dn";

    /// <summary>Application setting: the client's <c>jwks_uri</c> (the SSA's <c>software_jwks_endpoint</c>).</summary>
    public const string JwksUriSetting = "dcr:jwks_uri";

    /// <summary>Application setting: the SSA's <c>software_id</c>.</summary>
    public const string SoftwareIdSetting = "dcr:software_id";

    /// <summary>Application setting: the SSA's <c>org_id</c>.</summary>
    public const string OrganisationIdSetting = "dcr:org_id";

    /// <summary>Application setting: the registered <c>id_token_signed_response_alg</c>.</summary>
    public const string IdTokenSignedResponseAlgSetting = "dcr:id_token_signed_response_alg";

    /// <summary>Application setting: when an operator disabled the client (ISO 8601); absent while it is enabled.</summary>
    public const string DisabledAtSetting = "dcr:disabled_at";

    /// <summary>
    /// The request parameter (set by the plug-in from the verified request object, never taken from the client) and the
    /// ID token claim naming the OBIE intent being authorised.
    /// </summary>
    public const string IntentIdParameter = "openbanking_intent_id";

    /// <summary>
    /// The request parameter carrying the <c>acr</c> the engine chose for the request object's <c>claims</c> request
    /// (set by the plug-in from the verified request object, never taken from the client), put in the ID tokens.
    /// </summary>
    public const string AcrParameter = "dcr_acr";
}
