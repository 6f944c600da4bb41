// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace IdentityServer.Dcr.Host.Operator;

/// <summary>
/// The sandbox operator's sign-in (Development only): a page at <c>/operator/sign-in</c> for one operator
/// (<c>Operator:Sandbox:Name</c> / <c>Operator:Sandbox:Password</c>, by default <c>operator</c> / <c>sandbox</c>), a
/// cookie scheme of its own (<see cref="Scheme"/>, cookie <c>dcr-operator</c> on <c>/operator</c> only, never the
/// default scheme, so the hosts' own sign-ins and the OpenIddict and Duende handlers never see it) and the
/// <see cref="OperatorArea.PolicyName"/> policy over it. A bank replaces all of this with its own sign-in and policy.
/// </summary>
internal static class SandboxOperatorSignIn
{
    /// <summary>The cookie scheme of the sandbox operator.</summary>
    public const string Scheme = "DcrSandboxOperator";

    /// <summary>The role the sandbox operator has, which the policy requires.</summary>
    public const string Role = "dcr-operator";

    /// <summary>The sign-in page.</summary>
    public const string Path = OperatorArea.BasePath + "/sign-in";

    public static void Add(WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "dcr-operator";
            options.Cookie.Path = OperatorArea.BasePath;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.LoginPath = Path;
            options.AccessDeniedPath = Path;
            options.ExpireTimeSpan = TimeSpan.FromHours(1);
            options.SlidingExpiration = true;
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(OperatorArea.PolicyName, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireRole(Role));
    }

    public static void Map(WebApplication app)
        => app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], SignInAsync).AllowAnonymous().DisableAntiforgery();

    public static void MapSignOut(RouteGroupBuilder area)
        => area.MapPost("/sign-out", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await OperatorPages.ValidAntiforgeryAsync(context, antiforgery))
            {
                return OperatorPages.FormRefused(context, antiforgery);
            }

            await context.SignOutAsync(Scheme);
            return OperatorHtml.SeeOther(context, context.Request.PathBase + Path);
        });

    private static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, IConfiguration configuration)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var returnUrl = LocalReturnUrl(context, form?["ReturnUrl"].ToString() ?? context.Request.Query["ReturnUrl"].ToString());
        string? error = null;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (!await OperatorPages.ValidAntiforgeryAsync(context, antiforgery))
            {
                error = "The form expired; please try again.";
            }
            else if (form?["name"].ToString() is { Length: > 0 } name && Verify(configuration, name, form["password"].ToString()))
            {
                var identity = new ClaimsIdentity(
                    [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, Role)],
                    Scheme,
                    ClaimTypes.Name,
                    ClaimTypes.Role);
                await context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
                return OperatorHtml.SeeOther(context, returnUrl);
            }
            else
            {
                error = "Unknown operator or wrong password.";
            }
        }

        var body = new StringBuilder()
            .Append("<h1>Operator sign-in</h1>")
            .Append("<p>The sandbox operator's sign-in (Development only). A bank signs its operators in with its own identity provider.</p>");
        if (error is not null)
        {
            body.Append("<p role=\"alert\" class=\"problem\" id=\"error\">").Append(OperatorHtml.Encode(error)).Append("</p>");
        }

        body.Append("<form method=\"post\" action=\"").Append(OperatorHtml.Encode(context.Request.PathBase + Path)).Append("\">")
            .Append(OperatorHtml.AntiforgeryField(context, antiforgery))
            .Append("<input type=\"hidden\" name=\"ReturnUrl\" value=\"").Append(OperatorHtml.Encode(returnUrl)).Append("\">")
            .Append("<p><label for=\"name\">Operator</label> <input id=\"name\" name=\"name\" autocomplete=\"username\" required></p>")
            .Append(
                "<p><label for=\"password\">Password</label> <input id=\"password\" name=\"password\" "
                + "type=\"password\" autocomplete=\"current-password\" required></p>")
            .Append("<p><button type=\"submit\">Sign in</button></p></form>");
        return OperatorHtml.Page(
            context,
            antiforgery,
            "Sign in",
            body.ToString(),
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest,
            signedIn: false);
    }

    /// <summary>Where to go after signing in: a path of the area on this host, else the area's first page.</summary>
    private static string LocalReturnUrl(HttpContext context, string? candidate)
    {
        var area = context.Request.PathBase + OperatorArea.BasePath;
        return candidate is { Length: > 0 }
            && candidate.StartsWith(area, StringComparison.Ordinal)
            && (candidate.Length == area.Length || candidate[area.Length] is '/' or '?')
            && !candidate.Contains('\\', StringComparison.Ordinal)
            && !candidate.Contains("//", StringComparison.Ordinal)
                ? candidate
                : area;
    }

    private static bool Verify(IConfiguration configuration, string name, string password)
    {
        var expectedName = configuration["Operator:Sandbox:Name"] is { Length: > 0 } n ? n : "operator";
        var expectedPassword = configuration["Operator:Sandbox:Password"] is { Length: > 0 } p ? p : "sandbox";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(expectedName))
            & CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(expectedPassword));
    }
}
