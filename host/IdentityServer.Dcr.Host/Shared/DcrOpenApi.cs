// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace IdentityServer.Dcr.Host.Shared;

/// <summary>
/// The OpenAPI document of the registration and management endpoints, as a bank would add it: Microsoft.AspNetCore.OpenApi
/// describes the endpoints from the metadata <c>MapDcr</c> (or <c>MapObieDynamicClientRegistration</c>) puts on them;
/// this adds the title, the specification version (<c>Dcr:SpecVersion</c>) and the two ways a TPP authenticates (mutual
/// TLS, and a bearer token for management), and serves it at <c>/openapi/dcr.json</c> in Development.
/// </summary>
internal static class DcrOpenApi
{
    /// <summary>The document name; the DCR endpoints are put in this group (<c>WithGroupName</c>).</summary>
    public const string DocumentName = "dcr";

    private const string MutualTls = "mutualTLS";
    private const string Bearer = "bearer";

    public static WebApplicationBuilder AddDcrOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            // Only the DCR endpoints: the sandbox, health and metrics endpoints are the demo's, not the bank's API.
            options.ShouldInclude = description => description.GroupName == DocumentName;
            options.AddDocumentTransformer((document, context, _) =>
            {
                var version = context.ApplicationServices.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue.SpecVersion;
                document.Info = new OpenApiInfo
                {
                    Title = "OBIE Dynamic Client Registration",
                    Version = version switch { DcrSpecVersion.Version32 => "v3.2", DcrSpecVersion.Version33 => "v3.3", _ => "v3.4" },
                    Description = "Registration and management of TPP clients (OBIE Dynamic Client Registration, RFC 7591 and 7592), " +
                        "as this bank serves them. Differences from OBIE's OpenAPI file: docs/openapi.md.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[MutualTls] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.MutualTLS,
                    Description = "A transport certificate that chains to the bank's trusted roots (Dcr:Transport:TrustedRoots).",
                };
                document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An access token of the same client, from the token endpoint's client credentials grant.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                // Registration: mutual TLS. Management (the operations on {ClientId}): mutual TLS and the bearer token.
                var management = context.Description.RelativePath?.Contains("{ClientId}", StringComparison.Ordinal) == true;
                var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(MutualTls, context.Document)] = [] };
                if (management)
                {
                    requirement[new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [];
                }

                operation.Security = [requirement];
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>Serves the document at <c>/openapi/dcr.json</c>, in Development only.</summary>
    public static WebApplication MapDcrOpenApi(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi("/openapi/{documentName}.json");
        }

        return app;
    }
}
