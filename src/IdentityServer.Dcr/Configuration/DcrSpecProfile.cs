// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>The values each version of the specification defines (its OpenAPI enumerations and limits).</summary>
internal static class DcrSpecProfile
{
    public const string CibaGrantType = "urn:openid:params:grant-type:ciba";
    public const string JwtBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    public static readonly IReadOnlyList<string> TokenEndpointAuthMethods =
        ["private_key_jwt", "client_secret_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth"];

    public static readonly IReadOnlyList<string> ResponseTypes = ["code", "code id_token"];

    /// <summary>A <c>response_type</c> with its values in one order (<c>id_token code</c> is <c>code id_token</c>).</summary>
    public static string NormaliseResponseType(string value)
        => string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    public static readonly IReadOnlyList<string> SigningAlgorithms = ["RS256", "PS256", "ES256"];

    public static readonly IReadOnlyList<string> BackchannelTokenDeliveryModes = ["poll", "ping", "push"];

    public static IReadOnlyList<string> GrantTypes(DcrSpecVersion version) => version switch
    {
        DcrSpecVersion.Version32 => ["client_credentials", "authorization_code", "refresh_token"],
        DcrSpecVersion.Version33 => ["client_credentials", "authorization_code", "refresh_token", CibaGrantType],
        _ => ["client_credentials", "authorization_code", "refresh_token", CibaGrantType, JwtBearerGrantType],
    };

    public static IReadOnlyList<string> ApplicationTypes(DcrSpecVersion version)
        => version >= DcrSpecVersion.Version34 ? ["web", "native"] : ["web", "mobile"];

    public static int MaxSubjectDnLength(DcrSpecVersion version) => version >= DcrSpecVersion.Version34 ? 512 : 128;

    public static bool SupportsCiba(DcrSpecVersion version) => version >= DcrSpecVersion.Version33;

    public const int MaxRedirectUriLength = 256;
    public const int MaxScopeLength = 256;
    public const int MaxNotificationEndpointLength = 256;
}
