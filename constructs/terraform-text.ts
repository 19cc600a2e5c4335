/**
 * Text as part of a Terraform string. In a resource argument Terraform evaluates "${...}" and "%{...}"
 * (strings of the JSON syntax are templates), so a description like ${file("/etc/hostname")} would be
 * read from the machine at plan time; doubled, they stay text. Apply it once, where text becomes part
 * of an argument (descriptions of variables and outputs, variable defaults and backend settings are
 * not templates: leave those alone). cdktf's own tokens, "${TfToken[...]}", pass through.
 */
export function terraformText(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)|%\{/g, (opening) => `${opening[0]}${opening}`);
}
