# atrium_proto_library(NAME <target> PROTOS <files relative to proto/> [GRPC] [DEPS <targets>])
#
# Compiles one proto package into one static library. Generated files go to the
# build tree (never the source tree), under the same relative paths as the
# .proto files, so `#include "atrium/clients/v1/clients.pb.h"` works.
set(ATRIUM_PROTO_ROOT ${CMAKE_SOURCE_DIR}/proto)
set(ATRIUM_PROTO_OUT ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${ATRIUM_PROTO_OUT})
get_target_property(ATRIUM_GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

function(atrium_proto_library)
  cmake_parse_arguments(ARG "GRPC" "NAME" "PROTOS;DEPS" ${ARGN})
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" base ${proto})
    set(outs ${ATRIUM_PROTO_OUT}/${base}.pb.cc ${ATRIUM_PROTO_OUT}/${base}.pb.h)
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outs ${ATRIUM_PROTO_OUT}/${base}.grpc.pb.cc ${ATRIUM_PROTO_OUT}/${base}.grpc.pb.h)
      set(plugin_args --grpc_out=${ATRIUM_PROTO_OUT} --plugin=protoc-gen-grpc=${ATRIUM_GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc
              --proto_path=${ATRIUM_PROTO_ROOT}
              --cpp_out=${ATRIUM_PROTO_OUT}
              ${plugin_args}
              ${ATRIUM_PROTO_ROOT}/${proto}
      DEPENDS ${ATRIUM_PROTO_ROOT}/${proto} protobuf::protoc
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(APPEND srcs ${outs})
  endforeach()
  add_library(${ARG_NAME} STATIC ${srcs})
  target_include_directories(${ARG_NAME} PUBLIC ${ATRIUM_PROTO_OUT})
  target_link_libraries(${ARG_NAME} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${ARG_NAME} PUBLIC gRPC::grpc++)
  endif()
endfunction()
