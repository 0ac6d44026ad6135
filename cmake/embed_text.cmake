# Turns a text file into a C++ source defining `std::string_view planetude::resources::openapi_document()`.
file(READ ${INPUT} CONTENT HEX)
string(LENGTH "${CONTENT}" HEX_LEN)
math(EXPR BYTE_LEN "${HEX_LEN} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${CONTENT}")
file(WRITE ${OUTPUT}
"// Generated from resources/openapi.json by cmake/embed_text.cmake. Do not edit.\n"
"#include <string_view>\n"
"namespace planetude::resources {\n"
"static const unsigned char kOpenapi[] = {${BYTES} 0x00};\n"
"std::string_view openapi_document() { return {reinterpret_cast<const char*>(kOpenapi), ${BYTE_LEN}}; }\n"
"}\n")
